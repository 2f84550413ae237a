#pragma once
// Small pieces of operator-facing wording shared by the status page, the REST API and `ctl`,
// so that each reads the same everywhere.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>


namespace bridge::status {

// A diagnosis symptom code ("silent_after_connect") as a short headline ("Silent after
// connect: locked meter or wrong address"); the code itself when unknown.
std::string diagnosis_headline(std::string_view symptom);

// A diagnosis action ("check A; do B; if C, D") as separate steps, in order.
std::vector<std::string> split_actions(std::string_view action);

// " (1 similar event before this one)", " (3 similar events before this one)", or "" for 0:
// what the event throttle held back before the event it lets through.
std::string similar_events_text(std::int64_t repeat_count);

// "once", "2 times": how often a diagnosis was seen.
std::string times_text(std::int64_t count);

// `dlms-bridge ctl health` exit codes: one meaning per code across the whole CLI
// (0 ok, 1 failure, 2 usage error are global; 3 and 4 are health states).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // the command could not do its job (message on stderr)
inline constexpr int kExitUsage = 2;     // bad command line
inline constexpr int kExitDegraded = 3;  // ctl health: the bridge works, some meters or checks do not
inline constexpr int kExitFailing = 4;   // ctl health: the bridge does not deliver (503)
// "ok" -> 0, "degraded" -> 3, "failing" -> 4, anything else -> 1.
int health_exit_code(std::string_view status);

}  // namespace bridge::status
