#include "apdu_channel.h"

namespace bridge::transport::detail {

std::string What::str() const {
  std::string out(text);
  if (ln) {
    out += " " + obis_text(*ln) + " class " + std::to_string(class_id) + " attribute " + std::to_string(attribute);
  }
  return out;
}

Error receive_error(Error e, std::size_t buffered, const What& what) {
  if (e.kind == ErrorKind::closed) {
    if (buffered > 0) {
      e.message = "peer closed the connection mid-frame (" + std::to_string(buffered) +
                  " bytes of an incomplete frame received) while waiting for " + what.str();
    } else {
      e.message += " while waiting for " + what.str();
    }
  }
  return e;
}

labels::HdlcError to_metric_label(dlms::LinkError e) {
  using labels::HdlcError;
  switch (e) {
    case dlms::LinkError::fcs: return HdlcError::fcs;
    case dlms::LinkError::hcs: return HdlcError::hcs;
    case dlms::LinkError::length: return HdlcError::length;
    case dlms::LinkError::format: return HdlcError::format;
    case dlms::LinkError::address: return HdlcError::address;
    case dlms::LinkError::sequence: return HdlcError::sequence;
    case dlms::LinkError::unexpected_frame: return HdlcError::unexpected_frame;
    case dlms::LinkError::segmentation: return HdlcError::segmentation;
    case dlms::LinkError::frmr: return HdlcError::frmr;
    case dlms::LinkError::dm: return HdlcError::dm;
    case dlms::LinkError::timeout: return HdlcError::timeout;
  }
  return HdlcError::format;
}

Error step_timeout(Step step, std::chrono::milliseconds timeout, const What& what, std::string peer) {
  Error e = make_error(ErrorKind::timeout, step,
                       "timeout: no " + what.str() + " within " + format_duration(timeout) + " (" + peer + ")");
  e.hdlc = labels::HdlcError::timeout;
  return e;
}

}  // namespace bridge::transport::detail
