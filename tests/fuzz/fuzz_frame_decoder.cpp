// Frame decoder: arbitrary bytes fed in arbitrary chunks. Invariants: no crash/over-read, the
// retained buffer never exceeds one frame while waiting, every decoded frame re-encodes to a frame
// that decodes to the same value.
#include <cstdint>
#include <cstdlib>

#include "dlms/hdlc/frame_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dlms::hdlc;
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  dlms::ByteSpan in(data + 1, size - 1);
  FrameDecoder decoder;
  for (std::size_t off = 0; off < in.size(); off += chunk) {
    decoder.feed(in.subspan(off, std::min(chunk, in.size() - off)));
    for (;;) {
      auto r = decoder.next();
      if (std::holds_alternative<NeedData>(r)) {
        if (decoder.buffered() > kMaxEncodedFrame) std::abort();
        break;
      }
      if (auto* f = std::get_if<Frame>(&r)) {
        auto bytes = encode(*f);
        if (!bytes) std::abort();
        auto back = decode_frame(*bytes);
        if (!back || !(*back == *f)) std::abort();
      } else if (std::get<FrameError>(r).skipped_bytes == 0) {
        std::abort();  // an error must always make progress
      }
    }
  }
  return 0;
}
