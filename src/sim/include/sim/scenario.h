#pragma once
// Scenario file (TOML) for dlms-meter-sim: faults and passwords per meter.
//
//   seed = 7                         # optional; --seed on the command line wins
//   [defaults]                       # fault keys (sim/faults.h) for every meter
//   delay_ms = 20
//   [passwords]                      # client SAP -> password for every meter ("" = public client)
//   "1" = "22222222"
//   [[meter]]
//   id = 3                           # or ids = [3, 4, 9], or range = [10, 20] (inclusive)
//   corrupt_fcs = 0.25
//   passwords = { "1" = "secret" }
//
// Unknown keys are errors; every error names file:line:col.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bridge/result.h"
#include "sim/faults.h"

namespace sim {

class Fleet;

using FaultAssignments = std::vector<std::pair<std::string, FaultValue>>;

struct ScenarioMeter {
  std::vector<std::uint32_t> ids;
  FaultAssignments faults;
  std::map<std::uint8_t, std::string> passwords;
  std::string where;  // file:line:col of the [[meter]] table, for errors found when applying
};

struct Scenario {
  std::optional<std::uint64_t> seed;
  FaultAssignments defaults;
  std::map<std::uint8_t, std::string> passwords;
  std::vector<ScenarioMeter> meters;
};

// Errors: one line per problem, "FILE:LINE:COL: message".
bridge::Result<Scenario, std::string> parse_scenario(std::string_view text, std::string_view source_name);
bridge::Result<Scenario, std::string> load_scenario(const std::string& path);

// Applies defaults, then each [[meter]] in file order. Fails (changing nothing) if an id is
// outside the fleet.
bridge::Result<void, std::string> apply_scenario(const Scenario& scenario, Fleet& fleet);

}  // namespace sim
