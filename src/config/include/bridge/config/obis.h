#pragma once
// OBIS code as written in the config: "A-B:C.D.E", "A-B:C.D.E*F" or dotted "A.B.C.D.E.F".
// F defaults to 255. Parsing and printing are delegated to dlms::cosem (src/dlms), so the config
// accepts exactly what the codec does; build a dlms::cosem::Obis from `bytes`.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "bridge/result.h"

namespace bridge::config {

struct ObisCode {
  std::array<std::uint8_t, 6> bytes{};  // A B C D E F, the COSEM logical name

  // Canonical text "A-B:C.D.E" (with "*F" only when F != 255): the `obis` metric label value.
  std::string to_string() const;
  friend bool operator==(const ObisCode&, const ObisCode&) = default;
  friend auto operator<=>(const ObisCode&, const ObisCode&) = default;
};

Result<ObisCode, std::string> parse_obis(std::string_view text);

}  // namespace bridge::config
