#pragma once
// DLMS unit enumeration (Blue Book, IEC 62056-6-2) -> Prometheus base-unit gauge family.
// A private mapping: src/dlms had no units table when this was written; switch to it once
// it lands (the numbers are the standard's, so only the lookup would move).
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bridge::metrics {

enum class ReadingFamily : std::size_t {
  volts,
  amperes,
  watts,
  volt_amperes,
  volt_amperes_reactive,
  joules,
  volt_ampere_seconds,
  volt_ampere_reactive_seconds,
  hertz,
  ratio,
  celsius,
  value,  // dimensionless (DLMS 255 "count"), except power factor which is a ratio
};
inline constexpr std::size_t kReadingFamilyCount = 12;

struct BaseUnit {
  ReadingFamily family;
  double factor;  // base value = meter value * factor
};

// Known DLMS units: 9 °C, 27 W, 28 VA, 29 var, 30 Wh, 31 VAh, 32 varh, 33 A, 35 V, 44 Hz,
// 56 %, 255 count. nullopt for anything else (the reading still goes to MQTT, just not to
// Prometheus). `obis` tells a power factor (C = 13/33/53/73, D = 7) from other unitless values.
std::optional<BaseUnit> to_base_unit(int dlms_unit, std::string_view obis);

// "dlms_bridge_reading_volts", ...
std::string_view metric_name(ReadingFamily family);
std::string_view help_text(ReadingFamily family);

// "1-1:32.7.0.255" / "1-1:32.7.0*255" -> "1-1:32.7.0"; anything else is returned unchanged.
std::string normalize_obis(std::string_view obis);

}  // namespace bridge::metrics
