#pragma once
// The fleet's QoS figures against their targets (the alert rules' thresholds), for the status
// page's summary bar, GET /api/v1/summary and `ctl summary`.
//
//   success ratio   >= 98 %   (warning below, critical below 95 %)
//   publish ratio   >= 95 %   (critical below 90 %)
//   p95 latency     <= 2 s    (critical above 5 s)
//   reconnects      <  2 per hour and meter   (the worst meter counts)
//   HDLC errors     <= 5 per hour and meter   (the worst meter counts)
//
// Counts are taken over the history window; the per-hour targets scale with it.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "bridge/status/history.h"

namespace bridge::status {

enum class Level { ok, warning, critical, unknown };
std::string_view to_label(Level level);

struct Targets {
  double success_ratio = 0.98, success_critical = 0.95;
  double publish_ratio = 0.95, publish_critical = 0.90;
  std::int64_t latency_p95_ms = 2000, latency_critical_ms = 5000;
  double reconnects_per_hour = 2;   // ok while below
  double hdlc_errors_per_hour = 5;  // ok while at or below
};

Level success_level(std::optional<double> ratio, const Targets& t = {});
Level publish_level(std::optional<double> ratio, const Targets& t = {});
Level latency_level(std::optional<std::int64_t> p95_ms, const Targets& t = {});
Level reconnects_level(std::uint64_t count, std::int64_t window_ms, const Targets& t = {});
Level hdlc_errors_level(std::uint64_t count, std::int64_t window_ms, const Targets& t = {});

// {"window_ms", "covered_ms", "level" (worst), "figures": [{"key", "label", "value", "text",
// "target", "level", "detail"}]}. `mqtt_enabled` false: the publish ratio is "MQTT disabled".
nlohmann::json summary_json(const FleetTrend& trend, bool mqtt_enabled, const Targets& targets = {});

// "98.5 %" (one decimal, never rounded up to 100 % while something failed), "-" for nullopt.
std::string percent_text(std::optional<double> ratio);

}  // namespace bridge::status
