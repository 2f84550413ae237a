// IEC 62056-47 wrapper decoder: chunked feeding, progress on errors, round trip of messages.
#include <cstdint>
#include <cstdlib>

#include "dlms/wrapper.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dlms::wrapper;
  if (size < 2) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  const std::size_t max_apdu = 16 + data[1] * 8U;
  dlms::ByteSpan in(data + 2, size - 2);
  WrapperDecoder decoder(max_apdu);
  for (std::size_t off = 0; off < in.size(); off += chunk) {
    decoder.feed(in.subspan(off, std::min(chunk, in.size() - off)));
    for (;;) {
      auto r = decoder.next();
      if (std::holds_alternative<dlms::NeedData>(r)) break;
      if (auto* m = std::get_if<Message>(&r)) {
        if (m->apdu.size() > max_apdu) std::abort();
        auto bytes = encode(*m);
        if (!bytes) std::abort();
        WrapperDecoder again;
        again.feed(*bytes);
        auto back = again.next();
        if (!std::holds_alternative<Message>(back) || !(std::get<Message>(back) == *m)) std::abort();
      } else if (std::get<WrapperError>(r).skipped_bytes == 0) {
        std::abort();
      }
    }
  }
  return 0;
}
