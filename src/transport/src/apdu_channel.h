#pragma once
// Moves whole APDUs (no LLC) between the COSEM layer and the socket: HDLC (dlms::hdlc::Link +
// FrameDecoder) or the IEC 62056-47 wrapper. Private to the transport library.
#include <chrono>
#include <string>

#include "bridge/result.h"
#include "bridge/transport/endpoint.h"
#include "bridge/transport/object_names.h"
#include "bridge/transport/observer.h"
#include "bridge/transport/error.h"
#include "bridge/transport/tcp_stream.h"
#include "dlms/bytes.h"
#include "dlms/link_error.h"

namespace bridge::transport::detail {

using Clock = std::chrono::steady_clock;

// Names the awaited reply in error messages ("reply to GET 1-1:32.7.0 class 3 attribute 2");
// the text is built only when an error needs it, never on the hot path.
struct What {
  std::string_view text;            // "UA to SNRM", "AARE to AARQ", "reply to GET"
  const LogicalName* ln = nullptr;  // the attribute, for GET
  int class_id = 0;
  int attribute = 0;
  std::string str() const;
};

class ApduChannel {
 public:
  virtual ~ApduChannel() = default;
  // Link establishment after TCP connect (SNRM/UA); nothing for the wrapper.
  virtual awaitable<Result<void, Error>> open(std::chrono::milliseconds timeout) = 0;
  // Queues and writes one APDU.
  virtual awaitable<Result<void, Error>> send(dlms::ByteSpan apdu, Step step, std::chrono::milliseconds timeout) = 0;
  // The next APDU from the meter, by `deadline`; `what` names the awaited reply in messages
  // ("reply to GET 1-1:32.7.0/3/2").
  virtual awaitable<Result<dlms::Bytes, Error>> receive(Step step, Clock::time_point deadline,
                                                        std::chrono::milliseconds timeout, What what) = 0;
  // Releases the link (DISC) within `timeout`; errors are ignored.
  virtual awaitable<void> close(std::chrono::milliseconds timeout) = 0;
  // Bytes of an incomplete frame/PDU held by the decoder (to tell "closed mid-frame").
  virtual std::size_t buffered() const = 0;
  // The request deadline changed (adaptive timeouts): a channel with a timer of its own follows.
  virtual void set_request_timeout(std::chrono::milliseconds /*timeout*/) {}
};

// Shared plumbing: observer + stats + socket.
struct ChannelContext {
  TcpStream& stream;
  const FrameObserver& observer;
  ConnectionStats& stats;
  Clock::time_point& last_activity;

  // Writes one encoded frame (HDLC or wrapper): shows it to the observer, counts it, and
  // marks the connection active once the write completed.
  awaitable<Result<void, Error>> write_frame(dlms::ByteSpan frame, std::chrono::milliseconds timeout, Step step);
};

// Error for a socket failure while waiting for `what`, turning "closed" into "closed mid-frame"
// when a partial frame was buffered.
Error receive_error(Error e, std::size_t buffered, const What& what);
// The codec's link-layer error as the metric label hdlc_errors_total{kind}.
labels::HdlcError to_metric_label(dlms::LinkError e);
// Error for a passed step deadline.
Error step_timeout(Step step, std::chrono::milliseconds timeout, const What& what, std::string peer);

}  // namespace bridge::transport::detail
