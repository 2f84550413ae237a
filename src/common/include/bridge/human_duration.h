#pragma once
// Durations and ages as an operator reads them: "1 h", "5 min", "1 h 30 min", "7 s", "350 ms".
// For messages, the status page and `dlms-bridge ctl`; config files keep their exact "300000ms"
// style (bridge::config::format_duration), metrics keep seconds.
#include <chrono>
#include <cstdint>
#include <string>

namespace bridge {

// At most two units, largest first; the second only while the first is below 10 ("1 h 30 min",
// "12 min", "2 d 4 h"); the rest is cut, never rounded up, so "down for 59 min" never reads
// "1 h". Under 10 s one decimal ("1.5 s"), under 1 s milliseconds. Negative values get a "-".
std::string human_duration(std::chrono::milliseconds d);

// "12 min ago" / "just now" (under 1 s) for a UTC ms timestamp seen at now_ms; "never" for 0.
std::string human_age(std::int64_t ts_ms, std::int64_t now_ms);

}  // namespace bridge
