// OBIS text parser: accepted text formats back to a string that parses to the same code.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dlms/cosem/obis.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dlms::cosem;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto o = parse_obis(text);
  if (!o) return 0;
  auto a = parse_obis(to_string(*o));
  auto b = parse_obis(to_dotted(*o));
  if (!a || !b || !(*a == *o) || !(*b == *o)) std::abort();
  return 0;
}
