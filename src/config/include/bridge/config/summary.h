#pragma once
// Human and machine views of a loaded config that never reveal a password or token.
#include <string>

#include "bridge/config/config.h"

namespace bridge::config {

// One line for check-config: "FILE: ok: 1 meter, 5 registers, mqtt gateway 127.0.0.1:1883,
// http 127.0.0.1:9947" (register count = sum over meters).
std::string summary_line(const Config& config);

// The effective config as pretty JSON (defaults applied, durations as "7s" strings); every
// secret is "<secret>" when set and "" when not. For `GET /api/v1/config`-style output and logs.
std::string to_redacted_json(const Config& config);
// One [[meter]] entry as it appears in the "meters" array of the above.
std::string to_redacted_json(const MeterConfig& meter);

}  // namespace bridge::config
