#include "status_views.h"

#include <algorithm>
#include <chrono>

#include "bridge/config/address_text.h"
#include "bridge/config/summary.h"
#include "bridge/human_duration.h"
#include "bridge/mqtt/exporter.h"
#include "bridge/status/fleet_health.h"
#include "bridge/status/history.h"
#include "bridge/status/operator_text.h"
#include "bridge/status/targets.h"
#include "dlms/cosem/units.h"
#include "status_json.h"

namespace bridge::app {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

json ratio_or_null(std::optional<double> r) { return r ? json(*r) : json(nullptr); }

json address_json(const config::MeterConfig& m) {
  return {{"transport", std::string(config::to_string(m.transport))},
          {"client_sap", m.client_sap},
          {"server_logical", m.server_logical},
          {"server_physical", m.server_physical},
          {"address_size", m.address_size},
          {"text", config::address_text(m)}};
}

json last_reading_json(const std::optional<Reading>& r) {
  if (!r) return nullptr;
  json values = json::array();
  for (const auto& v : r->values) {
    const auto info = dlms::cosem::unit_info(static_cast<std::uint8_t>(v.unit));
    values.push_back({{"key", v.key},
                      {"obis", v.obis},
                      {"value", v.value},
                      {"unit", info ? std::string(info->symbol) : std::string()},
                      {"unit_code", v.unit}});
  }
  return {{"ts", r->ts_ms}, {"values", values}};
}

json trend_json(const status::MeterTrend& t) {
  const auto& f = t.figures;
  json points = json::array();
  for (const auto& p : t.points) {
    points.push_back({{"t", p.start_ms},
                      {"cycles", p.cycles},
                      {"ok", p.ok},
                      {"latency_ms", p.latency_mean_ms >= 0 ? json(p.latency_mean_ms) : json(nullptr)},
                      {"latency_max_ms", p.latency_max_ms >= 0 ? json(p.latency_max_ms) : json(nullptr)}});
  }
  const auto p95 = f.latency_p95_ms();
  return {{"window_ms", f.window_ms},
          {"covered_ms", f.covered_ms},
          {"cycles", f.cycles},
          {"ok", f.ok},
          {"success_ratio", ratio_or_null(f.success_ratio())},
          {"success_level", std::string(status::to_label(status::success_level(f.success_ratio())))},
          {"publish_ratio", ratio_or_null(f.publish_ratio())},
          {"latency_p95_ms", p95 ? json(*p95) : json(nullptr)},
          {"reconnects", f.reconnects},
          {"hdlc_errors", f.hdlc_errors},
          {"points", points}};
}

json badges_json(const poller::MeterStatus& s, const status::TrendFigures& f, std::int64_t now) {
  json badges = json::array();
  if (s.breaker == poller::BreakerState::open) {
    const std::int64_t left = std::max<std::int64_t>(0, s.breaker_open_until_ms - now);
    badges.push_back({{"kind", "breaker"},
                      {"level", "critical"},
                      {"text", "breaker open"},
                      {"title", "circuit breaker open: no connection attempts for " + human_duration(milliseconds(left)) +
                                    " (too many reconnects per hour)"}});
  } else if (s.breaker == poller::BreakerState::half_open) {
    badges.push_back({{"kind", "breaker"},
                      {"level", "warning"},
                      {"text", "breaker half-open"},
                      {"title", "circuit breaker half-open: the next cycle is the probe"}});
  }
  if (s.counters.watchdog_trips > 0) {
    badges.push_back({{"kind", "watchdog"},
                      {"level", "warning"},
                      {"text", "watchdog ×" + std::to_string(s.counters.watchdog_trips)},
                      {"title", std::to_string(s.counters.watchdog_trips) +
                                    " watchdog trips since start (silence, HDLC errors in a row or failed cycles "
                                    "forced a reconnect)"}});
  }
  if (f.reconnects > 0) {
    const auto level = status::reconnects_level(f.reconnects, f.window_ms);
    badges.push_back({{"kind", "reconnects"},
                      {"level", std::string(status::to_label(level))},
                      {"text", std::to_string(f.reconnects) + (f.reconnects == 1 ? " reconnect" : " reconnects")},
                      {"title", std::to_string(f.reconnects) + " reconnects in the last " +
                                    human_duration(milliseconds(f.window_ms)) + " (target under 2 per hour)"}});
  }
  if (f.hdlc_errors > 0) {
    const auto level = status::hdlc_errors_level(f.hdlc_errors, f.window_ms);
    badges.push_back({{"kind", "hdlc"},
                      {"level", std::string(status::to_label(level))},
                      {"text", std::to_string(f.hdlc_errors) + (f.hdlc_errors == 1 ? " HDLC error" : " HDLC errors")},
                      {"title", std::to_string(f.hdlc_errors) + " HDLC errors in the last " +
                                    human_duration(milliseconds(f.window_ms)) + " (target at most 5 per hour)"}});
  }
  return badges;
}

}  // namespace

json meter_view(const RestContext& ctx, const poller::MeterStatus& s, std::int64_t now) {
  json j = to_json(s);
  status::MeterTrend trend;
  if (ctx.history) trend = ctx.history->meter_trend(s.id, now);
  const status::MeterHealth h = status::meter_health(s, trend.figures, now);
  j["health"] = h.name;
  j["down_since"] = h.since_ms > 0 ? json(h.since_ms) : json(nullptr);
  j["down_for"] = h.since_ms > 0 ? json(human_duration(milliseconds(now - h.since_ms))) : json(nullptr);
  j["problem"] = h.name != "up" && h.name != "starting";
  const auto cfg = ctx.config ? ctx.config() : nullptr;
  const config::MeterConfig* mc = cfg ? cfg->find_meter(s.id) : nullptr;
  j["address"] = mc ? address_json(*mc) : json(nullptr);
  j["last_reading"] = last_reading_json(trend.last_reading);
  j["trend"] = trend_json(trend);
  j["badges"] = badges_json(s, trend.figures, now);
  if (j["diagnosis"].is_object()) {
    auto& d = j["diagnosis"];
    d["headline"] = status::diagnosis_headline(d.value("symptom", ""));
    d["actions"] = status::split_actions(d.value("action", ""));
  }
  return j;
}

json meter_views(const RestContext& ctx, std::int64_t now) {
  json list = json::array();
  for (const auto& s : ctx.fleet->statuses()) list.push_back(meter_view(ctx, s, now));
  return list;
}

json meter_detail(const RestContext& ctx, const poller::MeterStatus& s, std::int64_t now) {
  json j = meter_view(ctx, s, now);
  store::EventFilter filter;
  filter.meter = s.id;
  filter.limit = 20;
  json events = json::array();
  if (auto stored = ctx.store->events(filter)) {
    for (const auto& e : *stored) {
      json ej = to_json(e);
      ej["text"] = e.event.message + status::similar_events_text(e.repeat_count);
      events.push_back(std::move(ej));
    }
  }
  j["recent_events"] = events;
  json frames = json::array();
  if (auto stored = ctx.store->diagnostics(s.id, 10)) {
    for (const auto& d : *stored) {
      frames.push_back({{"ts", d.diagnostic.ts_ms},
                        {"kind", d.diagnostic.kind},
                        {"direction", std::string(store::to_label(d.diagnostic.direction))},
                        {"frame_hex", d.diagnostic.frame_hex},
                        {"message", d.diagnostic.message}});
    }
  }
  j["diagnostic_frames"] = frames;
  j["config"] = nullptr;
  if (const auto cfg = ctx.config ? ctx.config() : nullptr) {
    // This meter's entry only: the whole fleet's JSON is ~20 KB of tree per meter.
    if (const auto* m = cfg->find_meter(s.id)) j["config"] = json::parse(config::to_redacted_json(*m));
  }
  return j;
}

json fleet_summary(const RestContext& ctx, const json& views, std::int64_t now) {
  status::FleetTrend trend;
  if (ctx.history) trend = ctx.history->fleet_trend(now);
  json j = status::summary_json(trend, ctx.mqtt != nullptr);
  json counts = {{"total", views.size()}, {"up", 0}, {"degraded", 0}, {"down", 0}, {"breaker_open", 0},
                 {"paused", 0}, {"starting", 0}};
  for (const auto& v : views) {
    const std::string h = v.value("health", "starting");
    counts[h] = counts.value(h, 0) + 1;
  }
  j["meters"] = counts;
  json mqtt = {{"enabled", ctx.mqtt != nullptr}};
  if (ctx.mqtt) {
    const auto stats = ctx.mqtt->stats();
    mqtt["connected"] = stats.connected;
    mqtt["outbox"] = ctx.store->outbox_count();
  }
  j["mqtt"] = mqtt;
  j["ts"] = now;
  return j;
}

}  // namespace bridge::app
