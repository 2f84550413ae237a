#pragma once
// Returned by the stream decoders (hdlc::FrameDecoder, wrapper::WrapperDecoder) when the buffered
// bytes do not yet hold a complete unit: feed more bytes.

namespace dlms {

struct NeedData {
  friend bool operator==(const NeedData&, const NeedData&) = default;
};

}  // namespace dlms
