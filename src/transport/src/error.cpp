#include "bridge/transport/error.h"

#include <boost/asio/error.hpp>

namespace bridge::transport {

std::string_view to_label(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::refused: return "refused";
    case ErrorKind::unreachable: return "unreachable";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::closed: return "closed";
    case ErrorKind::protocol: return "protocol";
    case ErrorKind::association_rejected: return "association_rejected";
    case ErrorKind::access_denied: return "access_denied";
    case ErrorKind::busy: return "busy";
    case ErrorKind::cancelled: return "cancelled";
    case ErrorKind::invalid_argument: return "invalid_argument";
  }
  return "unknown";
}

std::string_view to_label(Step step) {
  switch (step) {
    case Step::connect: return "connect";
    case Step::drain: return "drain";
    case Step::link: return "link";
    case Step::associate: return "associate";
    case Step::request: return "request";
    case Step::release: return "release";
  }
  return "unknown";
}

Error make_error(ErrorKind kind, Step step, std::string message) {
  Error e;
  e.kind = kind;
  e.step = step;
  e.message = std::move(message);
  return e;
}

labels::PollFailure to_poll_failure(const Error& error) {
  using labels::PollFailure;
  switch (error.kind) {
    case ErrorKind::refused: return PollFailure::refused;
    case ErrorKind::unreachable: return PollFailure::unreachable;
    case ErrorKind::timeout: return error.step == Step::connect ? PollFailure::unreachable : PollFailure::timeout;
    case ErrorKind::closed: return PollFailure::closed;
    case ErrorKind::protocol: return PollFailure::protocol;
    case ErrorKind::association_rejected: return PollFailure::association_rejected;
    case ErrorKind::access_denied: return PollFailure::access_denied;
    case ErrorKind::busy: return PollFailure::busy;
    // A cancelled or malformed request is not the meter's fault; the closest bounded label is
    // "protocol" (callers normally do not count cancellations at all).
    case ErrorKind::cancelled:
    case ErrorKind::invalid_argument: return PollFailure::protocol;
  }
  return PollFailure::protocol;
}

ErrorKind classify_connect_error(const boost::system::error_code& ec) {
  namespace error = boost::asio::error;
  if (ec == error::connection_refused) return ErrorKind::refused;
  if (ec == error::timed_out) return ErrorKind::timeout;
  if (ec == error::operation_aborted) return ErrorKind::cancelled;
  if (ec == error::connection_reset || ec == error::connection_aborted || ec == error::eof) {
    return ErrorKind::closed;
  }
  // host_unreachable, network_unreachable, network_down, address_not_available,
  // host_not_found and everything else: the meter cannot be reached.
  return ErrorKind::unreachable;
}

ErrorKind classify_io_error(const boost::system::error_code& ec) {
  namespace error = boost::asio::error;
  if (ec == error::operation_aborted) return ErrorKind::cancelled;
  if (ec == error::timed_out) return ErrorKind::timeout;
  if (ec == error::host_unreachable || ec == error::network_unreachable || ec == boost::system::errc::host_unreachable ||
      ec == error::network_down) {
    return ErrorKind::unreachable;
  }
  // eof, connection_reset, broken_pipe, connection_aborted, not_connected, bad_descriptor...
  return ErrorKind::closed;
}

}  // namespace bridge::transport
