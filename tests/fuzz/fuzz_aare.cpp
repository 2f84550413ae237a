// AARE and RLRE (client side), AARQ and RLRQ (server side) parsers:
// decode(encode(decode(x))) == decode(x).
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
  // RLRQ/RLRE with their optional (ciphered) user-information round-trip the same way.
  if (auto rlre = decode_rlre(in)) {
    auto back = decode_rlre(encode_rlre(*rlre));
    if (!back || !(*back == *rlre)) std::abort();
  }
  if (auto rlrq = decode_rlrq(in)) {
    auto back = decode_rlrq(encode_rlrq(*rlrq));
    if (!back || !(*back == *rlrq)) std::abort();
  }
  (void)decode_exception_response(in);
  (void)decode_confirmed_service_error(in);
  return 0;
}
