#pragma once
// Transport errors are values: a bounded kind (maps to the poll-failure metric label), the step
// it happened in, the HDLC error kind when a frame was at fault, and a precise human message.
#include <boost/system/error_code.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "bridge/labels.h"

namespace bridge::transport {

enum class ErrorKind {
  refused,               // TCP connection refused (nothing listens on the port)
  unreachable,           // no route / host down / name does not resolve
  timeout,               // a step exceeded its deadline (connect, link, association, request)
  closed,                // the peer closed or reset the connection (possibly mid-frame)
  protocol,              // HDLC / wrapper / APDU protocol error; `hdlc` tells which
  association_rejected,  // AARE result != accepted (wrong password, wrong client SAP)
  access_denied,         // GET answered with a data-access-result error (the association stays usable)
  busy,                  // the meter refused the link (DM to SNRM: another client holds it)
  cancelled,             // cancel() was called (shutdown, pause)
  invalid_argument,      // the request itself is wrong (bad endpoint, bad OBIS); nothing was sent
};

std::string_view to_label(ErrorKind kind);

// The protocol step an error happened in; named in messages and logs.
enum class Step { connect, drain, link, associate, request, release };
std::string_view to_label(Step step);

struct Error {
  ErrorKind kind = ErrorKind::protocol;
  Step step = Step::request;
  std::optional<labels::HdlcError> hdlc;  // set for protocol errors caused by a frame, and for frame timeouts
  int diagnostic = -1;                    // AARE result-source-diagnostic (13 = authentication failure)
  int access_result = -1;                 // GET data-access-result when kind == access_denied
  std::string message;                    // precise human text, e.g. "association rejected: ..."
  std::string frame_hex;                  // offending raw frame, when any

  // False when the connection is still usable after this error (an access error on one
  // register); true when the session must be torn down and re-established.
  bool fatal() const { return kind != ErrorKind::access_denied; }
};

Error make_error(ErrorKind kind, Step step, std::string message = {});

// The dlms_bridge_meter_poll_failures_total{reason} label for this error. A connect timeout is
// "unreachable" (the label's documented meaning), a request timeout "timeout".
labels::PollFailure to_poll_failure(const Error& error);

// errno -> kind for a failed TCP connect.
ErrorKind classify_connect_error(const boost::system::error_code& ec);
// errno -> kind for a failed read or write on an established connection.
ErrorKind classify_io_error(const boost::system::error_code& ec);


}  // namespace bridge::transport
