#pragma once
// `dlms-bridge check-config FILE`: validate a configuration file without running anything.
#include <iosfwd>
#include <string>

namespace bridge::app {

// Prints every problem as "FILE:LINE:COL: message" on `err` and returns 1, or prints the
// one-line summary on `out` and returns 0. Never prints a secret. `shard` is the --shard text
// ("" = DLMS_BRIDGE_SHARD or the file's [bridge] shard): the summary counts that shard's meters.
int check_config(const std::string& path, const std::string& shard, std::ostream& out, std::ostream& err);

}  // namespace bridge::app
