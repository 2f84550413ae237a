// SET-Request/Response-Normal parsers (client reads responses, the simulator requests):
// re-encoding a decoded APDU gives the same bytes.
#include <cstdint>
#include <cstdlib>

#include "dlms/cosem/set.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dlms::cosem;
  const dlms::ByteSpan in(data, size);
  if (auto response = decode_set_response(in)) {
    if (encode_set_response(*response) != dlms::Bytes(in.begin(), in.end())) std::abort();
  }
  if (auto request = decode_set_request(in)) {
    const auto once = encode_set_request(*request);
    auto back = decode_set_request(once);
    if (!back || encode_set_request(*back) != once) std::abort();
  }
  return 0;
}
