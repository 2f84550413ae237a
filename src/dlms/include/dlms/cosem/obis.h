#pragma once
// OBIS logical names (IEC 62056-6-1). Text forms accepted by parse_obis():
//   "A-B:C.D.E"     F defaults to 255          e.g. "1-1:32.7.0"
//   "A-B:C.D.E*F"   or "A-B:C.D.E.F"           e.g. "0-0:96.51.4*2", "1-0:32.7.0.255"
//   "A.B.C.D.E.F"   dotted, six groups          e.g. "1.0.32.7.0.255" (the old dashboard default)
// Every group is 0..255, surrounding spaces are not allowed.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "bridge/result.h"
#include "dlms/bytes.h"

namespace dlms::cosem {

struct Obis {
  std::array<std::uint8_t, 6> bytes{};
  friend auto operator<=>(const Obis&, const Obis&) = default;
};

enum class ObisError : std::uint8_t { syntax, out_of_range, wrong_size };
std::string_view to_label(ObisError e);

bridge::Result<Obis, ObisError> parse_obis(std::string_view text);
bridge::Result<Obis, ObisError> obis_from_bytes(ByteSpan six);
// "1-1:32.7.0" when F is 255, else "A-B:C.D.E*F".
std::string to_string(const Obis& o);
// "1.1.32.7.0.255".
std::string to_dotted(const Obis& o);

}  // namespace dlms::cosem
