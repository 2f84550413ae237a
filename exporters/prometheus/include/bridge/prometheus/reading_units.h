#pragma once
// Which Prometheus gauge family a DLMS register value goes to, and the factor to its base unit.
// The unit table itself is src/dlms (dlms::cosem::unit_info): 35 V -> volts, 30 Wh -> joules
// x 3600, 56 % -> ratio / 100, ... This adds the exporter's choices for unitless values.
#include <optional>
#include <string>
#include <string_view>

namespace bridge::prometheus {

struct BaseUnit {
  std::string_view suffix;  // family suffix: "volts", "joules", "ratio", "value", ...
  double factor = 1.0;      // base value = meter value * factor
};

// nullopt for units without a base unit (0 "not set", currency, meter constants, ...): those
// registers still go to MQTT, just not to Prometheus. Unit 255 (count, no unit) is a ratio for
// a power factor (OBIS C = 13/33/53/73, D = 7) and "value" otherwise.
std::optional<BaseUnit> to_base_unit(int dlms_unit, std::string_view obis);

// "dlms_bridge_reading_" + suffix
std::string metric_name(std::string_view suffix);
std::string help_text(std::string_view suffix);

// Canonical OBIS label: "1-1:32.7.0.255" / "1-1:32.7.0*255" / "1.1.32.7.0.255" -> "1-1:32.7.0";
// text that does not parse is returned unchanged.
std::string normalize_obis(std::string_view obis);

}  // namespace bridge::prometheus
