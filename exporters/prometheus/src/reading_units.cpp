#include "bridge/prometheus/reading_units.h"

#include "dlms/cosem/obis.h"
#include "dlms/cosem/units.h"

namespace bridge::prometheus {

namespace {

constexpr std::string_view kRatio = "ratio";
constexpr std::string_view kValue = "value";

bool is_power_factor(std::string_view obis) {
  auto parsed = dlms::cosem::parse_obis(obis);
  if (!parsed) return false;
  auto c = parsed->bytes[2];
  auto d = parsed->bytes[3];
  return (c == 13 || c == 33 || c == 53 || c == 73) && d == 7;
}

}  // namespace

std::optional<BaseUnit> to_base_unit(int dlms_unit, std::string_view obis) {
  if (dlms_unit < 0 || dlms_unit > 255) return std::nullopt;
  if (dlms_unit == dlms::cosem::kUnitCount) {
    return BaseUnit{is_power_factor(obis) ? kRatio : kValue, 1.0};
  }
  auto info = dlms::cosem::unit_info(static_cast<std::uint8_t>(dlms_unit));
  if (!info || info->base_unit.empty()) return std::nullopt;
  return BaseUnit{info->base_unit, info->to_base};
}

std::string metric_name(std::string_view suffix) { return "dlms_bridge_reading_" + std::string(suffix); }

std::string help_text(std::string_view suffix) {
  if (suffix == kValue) {
    return "Latest dimensionless register value (DLMS unit 255, count) by meter and OBIS, as of the last poll.";
  }
  return "Latest register value converted to " + std::string(suffix) +
         " (DLMS unit to base unit, e.g. Wh x 3600 = joules, % / 100 = ratio) by meter and OBIS, as of the last "
         "poll.";
}

std::string normalize_obis(std::string_view obis) {
  auto parsed = dlms::cosem::parse_obis(obis);
  return parsed ? dlms::cosem::to_string(*parsed) : std::string(obis);
}

}  // namespace bridge::prometheus
