#pragma once
// MeterConnection: what a MeterSession needs from one DLMS connection (TCP + HDLC link +
// association). "Link" means the HDLC link only (dlms::hdlc::Link).
//
// The production implementation wraps bridge::transport::DlmsConnection (dlms_meter_connection.h); tests
// substitute scripted connections to drive the session through failures on cue. One operation at a
// time, all on the io_context thread; cancel() makes the pending one end with `cancelled`.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "bridge/config/config.h"
#include "bridge/labels.h"
#include "bridge/asio.h"
#include "bridge/poller/clock.h"
#include "bridge/poller/clock_check.h"
#include "bridge/result.h"

namespace bridge::transport {
class DlmsConnection;
}

namespace bridge::poller {

struct ConnectionError {
  labels::PollFailure reason = labels::PollFailure::timeout;
  bool cancelled = false;       // ended by cancel() (stop/pause): not a meter failure
  bool fatal = true;            // false: the association is still usable (e.g. access denied)
  bool tcp_connected = false;   // the TCP connection had been established when it failed
  std::optional<labels::HdlcError> hdlc;
  int diagnostic = -1;          // AARE result-source-diagnostic
  std::string message;          // precise human text from the transport
  std::string frame_hex;        // offending frame, when any
};

struct ReadValue {
  bool numeric = true;
  double value = 0;
  std::int64_t raw = 0;
  int scaler = 0;
  int unit = 0;
};

// The client SAP / password pair an association is opened with.
struct Credential {
  std::uint8_t client_sap = 1;
  config::Auth auth = config::Auth::none;
  std::string password;
  bool alternative = false;  // one of credential_alternatives, not the meter's primary pair
};

// The meter's clock as read, with the bridge's wall-clock times around the request.
struct ClockRead {
  MeterClockValue value;
  UtcTime sent{};
  UtcTime received{};
};

// Called for every HDLC error the codec reports, even those it recovered from; for every
// tolerated protocol anomaly (extra bytes after a complete value); for every reply, with how
// long after its request it came (adaptive deadlines).
struct ConnectionObserver {
  std::function<void(labels::HdlcError kind, const std::string& frame_hex)> on_hdlc_error;
  std::function<void(const std::string& warning)> on_protocol_warning;
  std::function<void(Duration elapsed)> on_response_time;
  std::function<void(std::uint64_t bytes)> on_garbage;  // HDLC bytes skipped outside frames
};

// A decorator (e.g. the load-profile backfill's) must forward every virtual call below,
// defaulted ones included, or the session silently loses clock checks and adaptive deadlines.
class MeterConnection {
 public:
  virtual ~MeterConnection() = default;
  virtual awaitable<Result<void, ConnectionError>> open() = 0;
  virtual awaitable<Result<ReadValue, ConnectionError>> read(const config::RegisterConfig& reg) = 0;
  // Release (DISC) within the disconnect timeout, then close. Never fails.
  virtual awaitable<void> close() = 0;
  virtual void cancel() = 0;
  virtual bool is_open() const = 0;
  virtual TimePoint last_activity() const = 0;
  // The DLMS connection under this connection, for reads beyond registers on the open association
  // (the load-profile backfill); nullptr for connections that have none (scripted test connections).
  virtual transport::DlmsConnection* dlms_connection() { return nullptr; }
  // The meter's clock (0-0:1.0.0 class 8 attribute 2) and a SET of it. Connections without a
  // clock answer access_denied (the default).
  virtual awaitable<Result<ClockRead, ConnectionError>> read_clock();
  virtual awaitable<Result<void, ConnectionError>> set_clock(const ClockSet& set);
  // The deadline of the following request steps (request_timeout = "auto").
  virtual void set_request_timeout(Duration /*timeout*/) {}
};

using ConnectionFactory = std::function<std::unique_ptr<MeterConnection>(asio::any_io_executor executor,
                                                             const config::MeterConfig& meter,
                                                             const Credential& credential,
                                                             ConnectionObserver observer)>;

}  // namespace bridge::poller
