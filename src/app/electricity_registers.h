#pragma once
// The electricity registers `discover` looks for in a meter's object list, grouped and named
// the way operators read them, with the telemetry key each becomes in a [[meter]] entry. `read`
// names its registers with the same keys. Matching ignores OBIS group B (channel: 0 on
// standard meters, 1 on the Microstar) and takes current values only (F = 255).
#include <optional>
#include <string_view>
#include <vector>

#include "bridge/transport/connection.h"

namespace bridge::app {

enum class RegisterGroup { voltage, current, power, energy, frequency, power_factor };

// "Voltage", "Current", "Power", "Energy", "Frequency", "Power factor".
std::string_view group_title(RegisterGroup group);

struct ElectricityRegister {
  RegisterGroup group = RegisterGroup::voltage;
  std::string_view key;  // telemetry key: "voltage_l1", "active_energy", ...
  int order = 0;         // position in the catalogue: groups, then L1, L2, L3
};

// The register `ln` is (class 3, 4 or 5 for an object-list entry), or nullopt.
std::optional<ElectricityRegister> electricity_register(const transport::LogicalName& ln);

struct OfferedRegister {
  transport::ObjectListEntry object;
  ElectricityRegister what;
};

// The registers of the list on its main channel (the lowest B that has any), in catalogue order.
std::vector<OfferedRegister> offered_registers(const std::vector<transport::ObjectListEntry>& objects);

}  // namespace bridge::app
