#pragma once
// DlmsConnection: one TCP connection + one HDLC link (or IEC 62056-47 wrapper) + one COSEM
// association to one meter, driven by the sans-I/O codec of src/dlms. Every step has its own
// deadline (StepWatchdog), independent of the codec's timers; every failure is an Error value.
//
// Single-threaded: all calls on the io_context's thread, at most one operation at a time
// (open, read_register, get, object_list, close). cancel() may be called any time from that
// thread (stop/pause) and makes the pending operation end with ErrorKind::cancelled.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bridge/labels.h"
#include "bridge/result.h"
#include "bridge/asio.h"
#include "bridge/transport/endpoint.h"
#include "bridge/transport/error.h"
#include "bridge/transport/object_names.h"
#include "bridge/transport/observer.h"
#include "dlms/cosem/get.h"
#include "dlms/cosem/value.h"

namespace bridge::transport {

struct RegisterRead {
  LogicalName ln{};
  std::string obis;        // canonical text "1-1:32.7.0"
  int class_id = 3;
  int attribute = 2;
  bool numeric = false;    // value/raw hold a number (integer, enum, float or boolean data)
  double value = 0;        // raw * 10^scaler (class 3/4/5 attribute 2), else the number itself
  std::int64_t raw = 0;    // the integer as read (0 for non-integer data)
  int scaler = 0;          // from scaler_unit (attribute 3), cached per association
  int unit = 0;            // DLMS unit enumeration (35 = V); 0 when the object has no scaler_unit
  dlms::cosem::Value data; // the decoded attribute value as the meter sent it
};

struct ObjectListEntry {
  int class_id = 0;
  int version = 0;
  LogicalName ln{};
};

// Where the HLS-GMAC invocation counter of a meter is kept between connections and restarts
// (the bridge: the store). load() gives the first value that may be used; save(n) promises that
// no value below n has been used. The connection saves ahead of what it hands out (a
// reservation of kInvocationCounterReserve values), so save() may be asynchronous.
struct InvocationCounterHooks {
  std::function<std::optional<std::uint32_t>()> load;
  std::function<void(std::uint32_t next)> save;
};
inline constexpr std::uint32_t kInvocationCounterReserve = 1000;

class DlmsConnection {
 public:
  DlmsConnection(asio::any_io_executor ex, MeterEndpoint endpoint, Timeouts timeouts, FrameObserver observer = {});
  ~DlmsConnection();
  DlmsConnection(const DlmsConnection&) = delete;
  DlmsConnection& operator=(const DlmsConnection&) = delete;

  // TCP connect, drain unsolicited bytes, SNRM/UA (HDLC only), AARQ/AARE (HLS-GMAC: first the
  // invocation counter through the public client when configured, then pass 3/4). On failure
  // the socket is closed again (after a DISC when the link was up).
  awaitable<Result<void, Error>> open();
  // Class 3/4/5: scaler_unit (attribute 3) is read once per association and cached, then the
  // attribute. Other classes: just the attribute (scaler 0, unit 0).
  awaitable<Result<RegisterRead, Error>> read_register(LogicalName ln, int class_id = 3, int attribute = 2);
  // One attribute, block transfer reassembled.
  awaitable<Result<dlms::cosem::Value, Error>> get(LogicalName ln, int class_id, int attribute);
  // One attribute with selective access (a Profile Generic buffer by range or entry).
  awaitable<Result<dlms::cosem::Value, Error>> get(LogicalName ln, int class_id, int attribute,
                                                    dlms::cosem::SelectiveAccess access);
  // SET-normal of one attribute (the clock); a refusal is ErrorKind::access_denied.
  awaitable<Result<void, Error>> set(LogicalName ln, int class_id, int attribute, dlms::cosem::Value value);
  // Association LN 0-0:40.0.0 class 15 attribute 2 (object_list).
  awaitable<Result<std::vector<ObjectListEntry>, Error>> object_list();
  // DISC within timeouts.disc (HDLC; the wrapper has no link layer to release), then close the
  // socket. Never fails; safe to call when not open.
  awaitable<void> close();
  // Abort the pending step now (stop/pause): it completes with ErrorKind::cancelled.
  void cancel();
  // The deadline of the following request steps (SNRM, AARQ, GET, SET; adaptive timeouts).
  void set_request_timeout(std::chrono::milliseconds timeout);
  std::chrono::milliseconds request_timeout() const;
  // HLS-GMAC: where the invocation counter persists (set before open()).
  void set_invocation_counter_hooks(InvocationCounterHooks hooks);
  // HLS-GMAC: the invocation counter of the next APDU this connection protects.
  std::uint32_t invocation_counter() const;

  bool is_open() const;
  std::chrono::steady_clock::time_point opened_at() const;
  std::chrono::steady_clock::time_point last_activity() const;
  const ConnectionStats& stats() const;
  const MeterEndpoint& endpoint() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace bridge::transport
