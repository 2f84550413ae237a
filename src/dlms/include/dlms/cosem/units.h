#pragma once
// DLMS unit enumeration (Blue Book, IEC 62056-6-2 "unit" of scaler_unit) with the symbol and the
// conversion to the Prometheus base unit (metric name suffix). The previous system's table was
// wrong ([BUG] docs/protocol.md 1.10: 35 is V, not Hz; 27 is W, 30 is Wh ...).
#include <cstdint>
#include <optional>
#include <string_view>

namespace dlms::cosem {

struct UnitInfo {
  std::uint8_t code = 0;
  std::string_view symbol;       // "V", "Wh", "°C"; empty for count/unitless
  std::string_view name;         // Blue Book name, e.g. "active energy Wh"
  std::string_view base_unit;    // Prometheus suffix: "volts", "joules", "ratio"; empty = none
  double to_base = 1.0;          // multiply a value in `symbol` by this to get `base_unit`
};

// nullopt for codes the Blue Book does not define (0 "not set" included).
std::optional<UnitInfo> unit_info(std::uint8_t code);

// The symbol people read ("V", "Wh"): the one unit-name function for every human-facing text
// (read, discover, ctl). Empty for 0 "not set", count (255) and codes the Blue Book does not
// define; takes an int because the unit travels as a plain number in JSON and readings.
std::string_view unit_symbol(int code);

// Well-known codes used by the bridge.
inline constexpr std::uint8_t kUnitDegreeCelsius = 9;
inline constexpr std::uint8_t kUnitWatt = 27;
inline constexpr std::uint8_t kUnitVoltAmpere = 28;
inline constexpr std::uint8_t kUnitVar = 29;
inline constexpr std::uint8_t kUnitWattHour = 30;
inline constexpr std::uint8_t kUnitVoltAmpereHour = 31;
inline constexpr std::uint8_t kUnitVarHour = 32;
inline constexpr std::uint8_t kUnitAmpere = 33;
inline constexpr std::uint8_t kUnitVolt = 35;
inline constexpr std::uint8_t kUnitHertz = 44;
inline constexpr std::uint8_t kUnitPercent = 56;
inline constexpr std::uint8_t kUnitCount = 255;

}  // namespace dlms::cosem
