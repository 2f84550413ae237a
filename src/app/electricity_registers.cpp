#include "electricity_registers.h"

#include <algorithm>
#include <array>

namespace bridge::app {
namespace {

// OBIS C.D.E (A = 1, any B, F = 255) -> group and key. C = 20/40/60 + n are phases L1/L2/L3.
struct Entry {
  std::array<std::uint8_t, 3> cde;
  RegisterGroup group;
  std::string_view key;
};
constexpr Entry kCatalogue[] = {
    {{32, 7, 0}, RegisterGroup::voltage, "voltage_l1"},
    {{52, 7, 0}, RegisterGroup::voltage, "voltage_l2"},
    {{72, 7, 0}, RegisterGroup::voltage, "voltage_l3"},
    {{31, 7, 0}, RegisterGroup::current, "current_l1"},
    {{51, 7, 0}, RegisterGroup::current, "current_l2"},
    {{71, 7, 0}, RegisterGroup::current, "current_l3"},
    {{91, 7, 0}, RegisterGroup::current, "current_neutral"},
    {{1, 7, 0}, RegisterGroup::power, "active_power"},
    {{2, 7, 0}, RegisterGroup::power, "active_power_export"},
    {{21, 7, 0}, RegisterGroup::power, "active_power_l1"},
    {{41, 7, 0}, RegisterGroup::power, "active_power_l2"},
    {{61, 7, 0}, RegisterGroup::power, "active_power_l3"},
    {{3, 7, 0}, RegisterGroup::power, "reactive_power_import"},
    {{4, 7, 0}, RegisterGroup::power, "reactive_power_export"},
    {{9, 7, 0}, RegisterGroup::power, "apparent_power_import"},
    {{10, 7, 0}, RegisterGroup::power, "apparent_power_export"},
    {{1, 8, 0}, RegisterGroup::energy, "active_energy"},
    {{2, 8, 0}, RegisterGroup::energy, "active_energy_export"},
    {{3, 8, 0}, RegisterGroup::energy, "reactive_energy_import"},
    {{4, 8, 0}, RegisterGroup::energy, "reactive_energy_export"},
    {{9, 8, 0}, RegisterGroup::energy, "apparent_energy_import"},
    {{10, 8, 0}, RegisterGroup::energy, "apparent_energy_export"},
    {{14, 7, 0}, RegisterGroup::frequency, "frequency"},
    {{13, 7, 0}, RegisterGroup::power_factor, "power_factor"},
    {{33, 7, 0}, RegisterGroup::power_factor, "power_factor_l1"},
    {{53, 7, 0}, RegisterGroup::power_factor, "power_factor_l2"},
    {{73, 7, 0}, RegisterGroup::power_factor, "power_factor_l3"},
};

bool register_class(int class_id) {
  return class_id == 3 || class_id == 4 || class_id == 5;
}

}  // namespace

std::string_view group_title(RegisterGroup group) {
  switch (group) {
    case RegisterGroup::voltage: return "Voltage";
    case RegisterGroup::current: return "Current";
    case RegisterGroup::power: return "Power";
    case RegisterGroup::energy: return "Energy";
    case RegisterGroup::frequency: return "Frequency";
    case RegisterGroup::power_factor: return "Power factor";
  }
  return "Other";
}

std::optional<ElectricityRegister> electricity_register(const transport::LogicalName& ln) {
  if (ln[0] != 1 || ln[5] != 255) return std::nullopt;
  for (std::size_t i = 0; i < std::size(kCatalogue); ++i) {
    const auto& e = kCatalogue[i];
    if (e.cde[0] == ln[2] && e.cde[1] == ln[3] && e.cde[2] == ln[4]) {
      return ElectricityRegister{e.group, e.key, static_cast<int>(i)};
    }
  }
  return std::nullopt;
}

std::vector<OfferedRegister> offered_registers(const std::vector<transport::ObjectListEntry>& objects) {
  std::vector<OfferedRegister> found;
  for (const auto& o : objects) {
    if (!register_class(o.class_id)) continue;
    if (auto what = electricity_register(o.ln)) found.push_back({o, *what});
  }
  if (found.empty()) return found;
  // Dual-channel meters repeat every register on B = 2 and 3; the main channel is the lowest B.
  const auto main_channel = std::min_element(found.begin(), found.end(), [](const auto& a, const auto& b) {
                              return a.object.ln[1] < b.object.ln[1];
                            })->object.ln[1];
  std::erase_if(found, [&](const OfferedRegister& r) { return r.object.ln[1] != main_channel; });
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.what.order < b.what.order; });
  // One register per key (a list naming an object twice would give duplicate keys).
  auto last =
      std::unique(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.what.key == b.what.key; });
  found.erase(last, found.end());
  return found;
}

}  // namespace bridge::app
