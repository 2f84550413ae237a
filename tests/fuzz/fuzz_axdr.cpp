// A-XDR Data decoder: bounded, no crash, and encode(decode(encode(v))) == encode(v).
#include <cstdint>
#include <cstdlib>

#include "dlms/cosem/register.h"
#include "dlms/cosem/value.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dlms::cosem;
  dlms::ByteSpan in(data, size);
  std::size_t offset = 0;
  auto v = decode_value(in, offset);
  if (!v) return 0;
  if (offset > size) std::abort();
  const auto once = encode_value(*v);
  auto back = decode_value_exact(once);
  if (!back || encode_value(*back) != once) std::abort();
  (void)to_number(*v);
  (void)to_integer(*v);
  if (auto su = decode_scaler_unit(*v)) (void)scale(1.0, su->scaler);
  if (auto* os = v->get_if<OctetString>()) (void)decode_date_time(os->bytes);
  return 0;
}
