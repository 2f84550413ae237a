#include "bridge/metrics/reading_units.h"

#include <charconv>

namespace bridge::metrics {

namespace {

struct FamilyText {
  std::string_view name;
  std::string_view help;
};

constexpr std::array<FamilyText, kReadingFamilyCount> kFamilies = {{
    {"dlms_bridge_reading_volts", "Latest meter reading in volts (DLMS unit 35), as of the last poll."},
    {"dlms_bridge_reading_amperes", "Latest meter reading in amperes (DLMS unit 33), as of the last poll."},
    {"dlms_bridge_reading_watts", "Latest active power reading in watts (DLMS unit 27), as of the last poll."},
    {"dlms_bridge_reading_volt_amperes",
     "Latest apparent power reading in volt-amperes (DLMS unit 28), as of the last poll."},
    {"dlms_bridge_reading_volt_amperes_reactive",
     "Latest reactive power reading in volt-amperes reactive (DLMS unit 29), as of the last poll."},
    {"dlms_bridge_reading_joules",
     "Latest active energy register in joules (DLMS unit 30 Wh x 3600), as of the last poll."},
    {"dlms_bridge_reading_volt_ampere_seconds",
     "Latest apparent energy register in volt-ampere seconds (DLMS unit 31 VAh x 3600), as of the last poll."},
    {"dlms_bridge_reading_volt_ampere_reactive_seconds",
     "Latest reactive energy register in volt-ampere-reactive seconds (DLMS unit 32 varh x 3600), as of the "
     "last poll."},
    {"dlms_bridge_reading_hertz", "Latest frequency reading in hertz (DLMS unit 44), as of the last poll."},
    {"dlms_bridge_reading_ratio",
     "Latest ratio reading 0..1 (DLMS unit 56 percent / 100, or a unitless power factor), as of the last poll."},
    {"dlms_bridge_reading_celsius", "Latest temperature reading in degrees Celsius (DLMS unit 9), as of the last poll."},
    {"dlms_bridge_reading_value", "Latest dimensionless meter reading (DLMS unit 255 count), as of the last poll."},
}};

// Value group C of "A-B:C.D.E[.F|*F]", and D; -1 when not parseable.
std::pair<int, int> group_c_d(std::string_view obis) {
  auto colon = obis.find(':');
  if (colon == std::string_view::npos) return {-1, -1};
  auto rest = obis.substr(colon + 1);
  int c = -1;
  int d = -1;
  auto [p1, e1] = std::from_chars(rest.data(), rest.data() + rest.size(), c);
  if (e1 != std::errc() || p1 == rest.data() + rest.size() || *p1 != '.') return {-1, -1};
  auto [p2, e2] = std::from_chars(p1 + 1, rest.data() + rest.size(), d);
  if (e2 != std::errc()) return {-1, -1};
  (void)p2;
  return {c, d};
}

bool is_power_factor(std::string_view obis) {
  auto [c, d] = group_c_d(obis);
  return (c == 13 || c == 33 || c == 53 || c == 73) && d == 7;
}

}  // namespace

std::optional<BaseUnit> to_base_unit(int dlms_unit, std::string_view obis) {
  switch (dlms_unit) {
    case 9: return BaseUnit{ReadingFamily::celsius, 1.0};
    case 27: return BaseUnit{ReadingFamily::watts, 1.0};
    case 28: return BaseUnit{ReadingFamily::volt_amperes, 1.0};
    case 29: return BaseUnit{ReadingFamily::volt_amperes_reactive, 1.0};
    case 30: return BaseUnit{ReadingFamily::joules, 3600.0};
    case 31: return BaseUnit{ReadingFamily::volt_ampere_seconds, 3600.0};
    case 32: return BaseUnit{ReadingFamily::volt_ampere_reactive_seconds, 3600.0};
    case 33: return BaseUnit{ReadingFamily::amperes, 1.0};
    case 35: return BaseUnit{ReadingFamily::volts, 1.0};
    case 44: return BaseUnit{ReadingFamily::hertz, 1.0};
    case 56: return BaseUnit{ReadingFamily::ratio, 0.01};
    case 255:
      if (is_power_factor(obis)) return BaseUnit{ReadingFamily::ratio, 1.0};
      return BaseUnit{ReadingFamily::value, 1.0};
    default: return std::nullopt;
  }
}

std::string_view metric_name(ReadingFamily family) { return kFamilies[static_cast<std::size_t>(family)].name; }

std::string_view help_text(ReadingFamily family) { return kFamilies[static_cast<std::size_t>(family)].help; }

std::string normalize_obis(std::string_view obis) {
  auto colon = obis.find(':');
  if (colon == std::string_view::npos) return std::string(obis);
  for (std::string_view suffix : {std::string_view(".255"), std::string_view("*255")}) {
    if (obis.size() > suffix.size() && obis.substr(obis.size() - suffix.size()) == suffix) {
      auto head = obis.substr(0, obis.size() - suffix.size());
      // Only strip F: the remaining C.D.E must have exactly two dots after the colon.
      auto groups = head.substr(colon + 1);
      std::size_t dots = 0;
      for (char ch : groups) dots += ch == '.' ? 1 : 0;
      if (dots == 2) return std::string(head);
    }
  }
  return std::string(obis);
}

}  // namespace bridge::metrics
