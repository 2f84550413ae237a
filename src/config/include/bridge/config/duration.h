#pragma once
// Duration strings of the config file: "300ms", "0.3s", "7s", "5m", "1h", "1d", and compounds
// like "1h30m" (Prometheus style, largest unit first). Resolution is one millisecond.
#include <chrono>
#include <string>
#include <string_view>

#include "bridge/result.h"

namespace bridge::config {

using Duration = std::chrono::milliseconds;

// Parses a duration; the error text says what is wrong ("missing unit in \"7\"").
// Negative values are rejected here; zero ("0s") is accepted, range checks happen per key.
Result<Duration, std::string> parse_duration(std::string_view text);

// Shortest exact text for a duration: 7000 ms -> "7s", 300 ms -> "300ms", 5400 s -> "1h30m".
std::string format_duration(Duration d);

}  // namespace bridge::config
