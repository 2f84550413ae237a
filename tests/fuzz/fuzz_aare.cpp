// AARE (client side) and AARQ (server side) parsers: decode(encode(decode(x))) == decode(x).
#include <cstdint>
#include <cstdlib>

#include "dlms/cosem/association.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dlms::cosem;
  dlms::ByteSpan in(data, size);
  if (auto aare = decode_aare(in)) {
    auto back = decode_aare(encode_aare(*aare));
    if (!back || !(*back == *aare)) std::abort();
  }
  if (auto aarq = decode_aarq(in)) {
    if (auto bytes = encode_aarq(*aarq)) {
      auto back = decode_aarq(*bytes);
      if (!back || !(*back == *aarq)) std::abort();
    }
  }
  (void)decode_rlre(in);
  (void)decode_rlrq(in);
  (void)decode_exception_response(in);
  (void)decode_confirmed_service_error(in);
  return 0;
}
