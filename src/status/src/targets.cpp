#include "bridge/status/targets.h"

#include <cmath>
#include <cstdio>

#include "bridge/human_duration.h"

namespace bridge::status {
namespace {

using nlohmann::json;

constexpr double kHourMs = 3'600'000.0;

// A per-hour target as a count over the window (1 h window: the target itself).
double scaled(double per_hour, std::int64_t window_ms) { return per_hour * static_cast<double>(window_ms) / kHourMs; }

Level worst(Level a, Level b) {
  auto rank = [](Level l) { return l == Level::critical ? 3 : l == Level::warning ? 2 : l == Level::ok ? 1 : 0; };
  return rank(a) >= rank(b) ? a : b;
}

json value_or_null(std::optional<double> v) { return v ? json(*v) : json(nullptr); }

}  // namespace

std::string_view to_label(Level level) {
  switch (level) {
    case Level::ok: return "ok";
    case Level::warning: return "warning";
    case Level::critical: return "critical";
    case Level::unknown: return "unknown";
  }
  return "unknown";
}

Level success_level(std::optional<double> ratio, const Targets& t) {
  if (!ratio) return Level::unknown;
  return *ratio >= t.success_ratio ? Level::ok : *ratio >= t.success_critical ? Level::warning : Level::critical;
}

Level publish_level(std::optional<double> ratio, const Targets& t) {
  if (!ratio) return Level::unknown;
  return *ratio >= t.publish_ratio ? Level::ok : *ratio >= t.publish_critical ? Level::warning : Level::critical;
}

Level latency_level(std::optional<std::int64_t> p95_ms, const Targets& t) {
  if (!p95_ms) return Level::unknown;
  return *p95_ms <= t.latency_p95_ms ? Level::ok : *p95_ms <= t.latency_critical_ms ? Level::warning : Level::critical;
}

Level reconnects_level(std::uint64_t count, std::int64_t window_ms, const Targets& t) {
  const double target = scaled(t.reconnects_per_hour, window_ms);
  const auto n = static_cast<double>(count);
  // The circuit breaker opens at 10 per hour: five times the target is critical.
  return n < target ? Level::ok : n < 5 * target ? Level::warning : Level::critical;
}

Level hdlc_errors_level(std::uint64_t count, std::int64_t window_ms, const Targets& t) {
  const double target = scaled(t.hdlc_errors_per_hour, window_ms);
  const auto n = static_cast<double>(count);
  return n <= target ? Level::ok : n <= 3 * target ? Level::warning : Level::critical;
}

std::string percent_text(std::optional<double> ratio) {
  if (!ratio) return "-";
  // Cut, not rounded: 99.96 % with a failure must not read "100 %".
  const double tenths = std::floor(*ratio * 1000.0) / 10.0;
  char buf[32];
  if (tenths == std::floor(tenths)) std::snprintf(buf, sizeof buf, "%.0f %%", tenths);
  else std::snprintf(buf, sizeof buf, "%.1f %%", tenths);
  return buf;
}

json summary_json(const FleetTrend& trend, bool mqtt_enabled, const Targets& t) {
  const TrendFigures& f = trend.figures;
  const std::string window = human_duration(std::chrono::milliseconds(f.window_ms));
  // Per-hour targets read as such; over a shorter window they are scaled (levels above).
  auto count_target = [](double per_hour, const char* cmp) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s %g/h per meter", cmp, per_hour);
    return std::string(buf);
  };
  json figures = json::array();
  auto add = [&](const char* key, const char* label, json value, std::string text, std::string target, Level level,
                 std::string detail) {
    figures.push_back({{"key", key},
                       {"label", label},
                       {"value", std::move(value)},
                       {"text", std::move(text)},
                       {"target", std::move(target)},
                       {"level", std::string(to_label(level))},
                       {"detail", std::move(detail)}});
    return level;
  };
  Level overall = Level::unknown;
  const auto success = f.success_ratio();
  overall = worst(overall, add("success_ratio", "success", value_or_null(success), percent_text(success), ">= 98 %",
                               success_level(success, t),
                               std::to_string(f.ok) + " of " + std::to_string(f.cycles) + " cycles read every register"));
  if (mqtt_enabled) {
    const auto publish = f.publish_ratio();
    overall = worst(overall, add("publish_ratio", "published", value_or_null(publish), percent_text(publish), ">= 95 %",
                                 publish_level(publish, t),
                                 std::to_string(f.published) + " of " + std::to_string(f.readings) +
                                     " readings acknowledged by the broker"));
  } else {
    add("publish_ratio", "published", nullptr, "MQTT off", ">= 95 %", Level::unknown, "[mqtt] enabled = false");
  }
  const auto p95 = f.latency_p95_ms();
  overall = worst(overall, add("latency_p95", "p95 latency", p95 ? json(*p95 / 1000.0) : json(nullptr),
                               p95 ? human_duration(std::chrono::milliseconds(*p95)) : "-", "<= 2 s",
                               latency_level(p95, t), std::to_string(f.latency_count) + " read cycles"));
  const std::string worst_reconnects =
      trend.most_reconnects_meter.empty() ? "no meter reconnected"
                                          : "most: " + trend.most_reconnects_meter + " (" +
                                                std::to_string(trend.most_reconnects) + "); fleet " +
                                                std::to_string(f.reconnects);
  overall = worst(overall, add("reconnects", "reconnects", trend.most_reconnects, std::to_string(trend.most_reconnects),
                               count_target(t.reconnects_per_hour, "<"),
                               reconnects_level(trend.most_reconnects, f.window_ms, t), worst_reconnects));
  const std::string worst_hdlc =
      trend.most_hdlc_errors_meter.empty() ? "no HDLC errors"
                                           : "most: " + trend.most_hdlc_errors_meter + " (" +
                                                 std::to_string(trend.most_hdlc_errors) + "); fleet " +
                                                 std::to_string(f.hdlc_errors);
  overall = worst(overall, add("hdlc_errors", "HDLC errors", trend.most_hdlc_errors,
                               std::to_string(trend.most_hdlc_errors), count_target(t.hdlc_errors_per_hour, "<="),
                               hdlc_errors_level(trend.most_hdlc_errors, f.window_ms, t), worst_hdlc));
  return {{"window_ms", f.window_ms},
          {"window", window},
          {"covered_ms", f.covered_ms},
          {"level", std::string(to_label(overall))},
          {"figures", figures}};
}

}  // namespace bridge::status
