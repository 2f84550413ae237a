// GET response (client side) and request (server side) parsers: re-encoding is stable.
#include <cstdint>
#include <cstdlib>

#include "dlms/cosem/get.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dlms::cosem;
  dlms::ByteSpan in(data, size);
  if (auto response = decode_get_response(in)) {
    const auto once = encode_get_response(*response);
    auto back = decode_get_response(once);
    if (!back || encode_get_response(*back) != once) std::abort();
  }
  if (auto request = decode_get_request(in)) {
    const auto once = encode_get_request(*request);
    auto back = decode_get_request(once);
    if (!back || encode_get_request(*back) != once) std::abort();
  }
  (void)decode_get_data_results(in);
  return 0;
}
