#pragma once
// What went wrong on the link layer (HDLC frames, or the TCP wrapper's header), as the codec
// reports it in FrameError, WrapperError and hdlc::Failed. The codec owns this vocabulary; the
// service maps it onto its metric labels (dlms_bridge_meter_hdlc_errors_total{kind}) at the
// transport boundary, so the protocol core does not depend on the service's label enums.
#include <string_view>

namespace dlms {

enum class LinkError {
  fcs,               // frame check sequence mismatch
  hcs,               // header check sequence mismatch
  length,            // length field inconsistent, frame too long or truncated
  format,            // bad format byte, missing closing flag, bad address encoding
  address,           // frame not addressed to us
  sequence,          // N(S)/N(R) out of sequence
  unexpected_frame,  // a frame type that is not valid in the current state
  segmentation,      // segmented transfer broken (missing RR, bad reassembly)
  frmr,              // the peer answered FRMR (frame reject)
  dm,                // the peer answered DM (disconnected mode)
  timeout,           // no frame within the link's response timeout
};

constexpr std::string_view to_label(LinkError e) {
  switch (e) {
    case LinkError::fcs: return "fcs";
    case LinkError::hcs: return "hcs";
    case LinkError::length: return "length";
    case LinkError::format: return "format";
    case LinkError::address: return "address";
    case LinkError::sequence: return "sequence";
    case LinkError::unexpected_frame: return "unexpected_frame";
    case LinkError::segmentation: return "segmentation";
    case LinkError::frmr: return "frmr";
    case LinkError::dm: return "dm";
    case LinkError::timeout: return "timeout";
  }
  return "unknown";
}

}  // namespace dlms
