#pragma once
#include <filesystem>
#include <optional>

#include "bridge/log.h"

namespace bridge::app {

// `dlms-bridge run --config FILE`: the service. Returns the process exit code: 0 after a
// graceful stop (SIGTERM/SIGINT), 1 when start-up fails (message on stderr/log).
// `cli_level` (from --log-level) wins over [bridge] log_level.
int run_service(const std::filesystem::path& config_path, std::optional<log::Level> cli_level);

}  // namespace bridge::app
