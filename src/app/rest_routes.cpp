#include "rest_routes.h"

#include <chrono>
#include <future>
#include <string>

#include "bridge/config/duration.h"
#include "bridge/labels.h"
#include "bridge/log.h"
#include "bridge/mqtt/exporter.h"
#include "events_query.h"
#include "status_json.h"
#include "bridge/status/fleet_health.h"
#include "status_routes.h"
#include "status_views.h"
#include "bridge/wall_clock.h"

namespace bridge::app {
namespace {

using api::Method;
using api::Request;
using api::Response;
using nlohmann::json;


Response meters(const RestContext& ctx) { return Response::json(200, meter_views(ctx, bridge::wall_ms())); }

Response meter(const RestContext& ctx, const Request& req) {
  const std::string& id = req.params.at("id");
  auto status = ctx.fleet->status(id);
  if (!status) return Response::error(404, "unknown meter '" + id + "'");
  return Response::json(200, meter_detail(ctx, *status, bridge::wall_ms()));
}

Response meter_action(const RestContext& ctx, const Request& req) {
  const std::string& id = req.params.at("id");
  const std::string& action = req.params.at("action");
  if (action == "pause" || action == "resume") {
    bool known = action == "pause" ? ctx.fleet->pause(id) : ctx.fleet->resume(id);
    if (!known) return Response::error(404, "unknown meter '" + id + "'");
    return Response::json(200, {{"meter", id}, {"action", action}, {"ok", true}});
  }
  if (action == "test") {
    if (!ctx.fleet->status(id)) return Response::error(404, "unknown meter '" + id + "'");
    auto promise = std::make_shared<std::promise<poller::TestResult>>();
    auto future = promise->get_future();
    ctx.fleet->test(id, [promise](poller::TestResult r) { promise->set_value(std::move(r)); });
    // A cycle is bounded by the meter's request timeouts; this only guards the HTTP worker.
    if (future.wait_for(std::chrono::seconds(120)) != std::future_status::ready) {
      return Response::error(504, "test cycle of '" + id + "' did not finish within 120 s");
    }
    auto result = future.get();
    return Response::json(result.ok ? 200 : 502, to_json(result));
  }
  return Response::error(400, "unknown action '" + action + "' (expected pause, resume or test)");
}

Response events(const RestContext& ctx, const Request& req) {
  auto filter = parse_events_query(req.query_params, bridge::wall_ms());
  if (!filter) return Response::error(400, filter.error());
  auto stored = ctx.store->events(*filter);
  if (!stored) {
    // The store's text may name files and SQL: the log gets it, the client does not.
    log::error("event query failed", {{"error", stored.error().message}});
    return Response::error(500, "event query failed (details are in the bridge's log)");
  }
  json list = json::array();
  for (const auto& e : *stored) list.push_back(to_json(e));
  return Response::json(200, list);
}

// The facts the fleet health and the action plan are decided from (bridge/status/fleet_health.h).
status::HealthFacts health_facts(const RestContext& ctx) {
  status::HealthFacts f;
  f.meters = ctx.fleet->statuses();
  f.now_ms = bridge::wall_ms();
  f.store_path = ctx.store->path().string();
  f.store_writes_dropped = ctx.store->stats().dropped_queue_full;
  const auto cfg = ctx.config();
  if (ctx.mqtt) {
    const auto ms = ctx.mqtt->stats();
    f.mqtt = status::MqttFacts{.connected = ms.connected,
                               .inflight = ms.inflight,
                               .acked = ms.readings_acked,
                               .outbox = ctx.store->outbox_count(),
                               .host = cfg->mqtt.host,
                               .port = cfg->mqtt.port};
  }
  f.allow_no_meters = cfg->bridge.allow_no_meters;
  f.sharded = cfg->active_shard.has_value();
  return f;
}

json health_body(const RestContext& ctx) {
  const auto facts = health_facts(ctx);
  const auto h = status::assess_health(facts);
  json checks = json::array();
  for (const auto& c : h.checks) checks.push_back({{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}});
  json mqtt = {{"enabled", facts.mqtt.has_value()}};
  if (facts.mqtt) {
    mqtt["connected"] = facts.mqtt->connected;
    mqtt["inflight"] = facts.mqtt->inflight;
    mqtt["acked"] = facts.mqtt->acked;
    mqtt["outbox"] = facts.mqtt->outbox;
  }
  return {{"status", std::string(status::to_label(h.status))},
          {"checks", checks},
          {"meters",
           {{"total", h.total},
            {"up", h.up},
            {"paused", h.paused},
            {"breaker_open", h.breaker_open},
            {"failing", h.failing}}},
          {"mqtt", mqtt},
          {"ts", h.ts_ms}};
}

json to_json(const status::ActionStep& s) {
  json step = {{"target", s.target},
               {"severity", std::string(to_label(s.severity))},
               {"symptom", s.symptom},
               {"explanation", s.explanation},
               {"action", s.action}};
  if (!s.state) return step;  // the broker's and paused meters' steps say no more
  step["state"] = std::string(poller::to_label(*s.state));
  step["last_error"] = s.last_error;
  if (s.since_ms) step["since"] = *s.since_ms;
  if (s.count) step["count"] = *s.count;
  if (s.breaker) step["breaker"] = std::string(poller::to_label(*s.breaker));
  step["actions"] = s.actions;
  return step;
}

Response action_plan(const RestContext& ctx) {
  const auto facts = health_facts(ctx);
  json steps = json::array();
  for (const auto& s : status::action_plan(facts)) steps.push_back(to_json(s));
  return Response::json(200, {{"ts", facts.now_ms}, {"steps", steps}});
}

}  // namespace

void register_rest_routes(api::HttpServer& http, RestContext context) {
  auto ctx = std::make_shared<RestContext>(std::move(context));
  http.handle(Method::get, "/api/v1/meters", [ctx](const Request&) { return meters(*ctx); });
  http.handle(Method::get, "/api/v1/meters/{id}", [ctx](const Request& r) { return meter(*ctx, r); });
  http.handle(Method::post, "/api/v1/meters/{id}/{action}", [ctx](const Request& r) { return meter_action(*ctx, r); });
  http.handle(Method::get, "/api/v1/events", [ctx](const Request& r) { return events(*ctx, r); });
  http.handle(Method::get, "/api/v1/health", [ctx](const Request&) {
    auto body = health_body(*ctx);
    return Response::json(body["status"] == "failing" ? 503 : 200, body);
  });
  http.handle(Method::get, "/api/v1/action-plan", [ctx](const Request&) { return action_plan(*ctx); });
  register_status_routes(http, ctx);
}

}  // namespace bridge::app
