#include "dlms/cosem/units.h"

#include <array>

namespace dlms::cosem {
namespace {

// Blue Book unit table (subset with every code defined up to 72, plus 253..255).
constexpr std::array kUnits = {
    UnitInfo{1, "a", "time year", "seconds", 365.25 * 86400},
    UnitInfo{2, "mo", "time month", "seconds", 30.4375 * 86400},
    UnitInfo{3, "wk", "time week", "seconds", 7 * 86400.0},
    UnitInfo{4, "d", "time day", "seconds", 86400.0},
    UnitInfo{5, "h", "time hour", "seconds", 3600.0},
    UnitInfo{6, "min", "time minute", "seconds", 60.0},
    UnitInfo{7, "s", "time second", "seconds", 1.0},
    UnitInfo{8, "°", "phase angle degree", "degrees", 1.0},
    UnitInfo{9, "°C", "temperature", "celsius", 1.0},
    UnitInfo{10, "currency", "local currency", "", 1.0},
    UnitInfo{11, "m", "length metre", "meters", 1.0},
    UnitInfo{12, "m/s", "speed", "meters_per_second", 1.0},
    UnitInfo{13, "m³", "volume", "cubic_meters", 1.0},
    UnitInfo{14, "m³", "corrected volume", "cubic_meters", 1.0},
    UnitInfo{15, "m³/h", "volume flux", "cubic_meters_per_second", 1.0 / 3600},
    UnitInfo{16, "m³/h", "corrected volume flux", "cubic_meters_per_second", 1.0 / 3600},
    UnitInfo{17, "m³/d", "volume flux", "cubic_meters_per_second", 1.0 / 86400},
    UnitInfo{18, "m³/d", "corrected volume flux", "cubic_meters_per_second", 1.0 / 86400},
    UnitInfo{19, "l", "volume litre", "cubic_meters", 0.001},
    UnitInfo{20, "kg", "mass", "grams", 1000.0},
    UnitInfo{21, "N", "force", "newtons", 1.0},
    UnitInfo{22, "Nm", "energy newton metre", "joules", 1.0},
    UnitInfo{23, "Pa", "pressure", "pascals", 1.0},
    UnitInfo{24, "bar", "pressure", "pascals", 1e5},
    UnitInfo{25, "J", "energy joule", "joules", 1.0},
    UnitInfo{26, "J/h", "thermal power", "watts", 1.0 / 3600},
    UnitInfo{27, "W", "active power", "watts", 1.0},
    UnitInfo{28, "VA", "apparent power", "voltamperes", 1.0},
    UnitInfo{29, "var", "reactive power", "vars", 1.0},
    UnitInfo{30, "Wh", "active energy", "joules", 3600.0},
    UnitInfo{31, "VAh", "apparent energy", "voltampere_seconds", 3600.0},
    UnitInfo{32, "varh", "reactive energy", "var_seconds", 3600.0},
    UnitInfo{33, "A", "current", "amperes", 1.0},
    UnitInfo{34, "C", "electrical charge", "coulombs", 1.0},
    UnitInfo{35, "V", "voltage", "volts", 1.0},
    UnitInfo{36, "V/m", "electric field strength", "volts_per_meter", 1.0},
    UnitInfo{37, "F", "capacitance", "farads", 1.0},
    UnitInfo{38, "Ω", "resistance", "ohms", 1.0},
    UnitInfo{39, "Ωm²/m", "resistivity", "ohm_meters", 1.0},
    UnitInfo{40, "Wb", "magnetic flux", "webers", 1.0},
    UnitInfo{41, "T", "magnetic flux density", "teslas", 1.0},
    UnitInfo{42, "A/m", "magnetic field strength", "amperes_per_meter", 1.0},
    UnitInfo{43, "H", "inductance", "henries", 1.0},
    UnitInfo{44, "Hz", "frequency", "hertz", 1.0},
    UnitInfo{45, "1/(Wh)", "active energy meter constant", "", 1.0},
    UnitInfo{46, "1/(varh)", "reactive energy meter constant", "", 1.0},
    UnitInfo{47, "1/(VAh)", "apparent energy meter constant", "", 1.0},
    UnitInfo{48, "V²h", "volt-squared hour", "", 1.0},
    UnitInfo{49, "A²h", "ampere-squared hour", "", 1.0},
    UnitInfo{50, "kg/s", "mass flux", "grams_per_second", 1000.0},
    UnitInfo{51, "S", "conductance", "siemens", 1.0},
    UnitInfo{52, "K", "temperature kelvin", "kelvin", 1.0},
    UnitInfo{53, "1/(V²h)", "volt-squared hour meter constant", "", 1.0},
    UnitInfo{54, "1/(A²h)", "ampere-squared hour meter constant", "", 1.0},
    UnitInfo{55, "1/m³", "volume meter constant", "", 1.0},
    UnitInfo{56, "%", "percentage", "ratio", 0.01},
    UnitInfo{57, "Ah", "ampere hour", "coulombs", 3600.0},
    UnitInfo{60, "Wh/m³", "energy per volume", "joules_per_cubic_meter", 3600.0},
    UnitInfo{61, "J/m³", "calorific value", "joules_per_cubic_meter", 1.0},
    UnitInfo{62, "Mol %", "molar fraction", "ratio", 0.01},
    UnitInfo{63, "g/m³", "mass density", "grams_per_cubic_meter", 1.0},
    UnitInfo{64, "Pa s", "dynamic viscosity", "pascal_seconds", 1.0},
    UnitInfo{65, "J/kg", "specific energy", "joules_per_gram", 0.001},
    UnitInfo{66, "g/cm²", "pressure gram per square centimetre", "pascals", 98.0665},
    UnitInfo{67, "atm", "pressure atmosphere", "pascals", 101325.0},
    UnitInfo{70, "dBm", "signal strength dBm", "dbm", 1.0},
    UnitInfo{71, "dbµV", "signal strength dBµV", "dbuv", 1.0},
    UnitInfo{72, "dB", "logarithmic unit", "decibels", 1.0},
    UnitInfo{253, "", "reserved", "", 1.0},
    UnitInfo{254, "", "other unit", "", 1.0},
    UnitInfo{255, "", "count (no unit)", "", 1.0},
};

}  // namespace

std::optional<UnitInfo> unit_info(std::uint8_t code) {
  for (const auto& u : kUnits) {
    if (u.code == code) return u;
  }
  return std::nullopt;
}

std::string_view unit_symbol(int code) {
  if (code <= 0 || code > 255) return {};
  auto info = unit_info(static_cast<std::uint8_t>(code));
  return info ? info->symbol : std::string_view{};
}

}  // namespace dlms::cosem
