#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "bridge/log.h"

namespace bridge::app {

// `dlms-bridge run --config FILE`: the service. Returns the process exit code: 0 after a
// graceful stop (SIGTERM/SIGINT), 1 when start-up fails (message on stderr/log).
// `cli_level` (from --log-level) wins over [bridge] log_level; `shard` is the --shard text
// ("" = DLMS_BRIDGE_SHARD or [bridge] shard), kept for every reload.
int run_service(const std::filesystem::path& config_path, const std::string& shard,
                std::optional<log::Level> cli_level);

}  // namespace bridge::app
