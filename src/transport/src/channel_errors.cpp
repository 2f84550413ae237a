#include "apdu_channel.h"

namespace bridge::transport::detail {

Error receive_error(Error e, std::size_t buffered, const std::string& what) {
  if (e.kind == ErrorKind::closed) {
    if (buffered > 0) {
      e.message = "peer closed the connection mid-frame (" + std::to_string(buffered) +
                  " bytes of an incomplete frame received) while waiting for " + what;
    } else {
      e.message += " while waiting for " + what;
    }
  }
  return e;
}

Error step_timeout(Step step, std::chrono::milliseconds timeout, const std::string& what, std::string peer) {
  Error e = make_error(ErrorKind::timeout, step,
                       "timeout: no " + what + " within " + format_duration(timeout) + " (" + peer + ")");
  e.hdlc = labels::HdlcError::timeout;
  return e;
}

}  // namespace bridge::transport::detail
