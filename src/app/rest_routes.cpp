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
#include "bridge/status/operator_text.h"
#include "status_routes.h"
#include "status_views.h"
#include "bridge/wall_clock.h"

namespace bridge::app {
namespace {

using api::Method;
using api::Request;
using api::Response;
using nlohmann::json;


// A meter counts as failing when it is neither paused nor delivering readings: no success yet
// or the last success is older than three poll intervals.
bool failing(const poller::MeterStatus& s, std::int64_t now) {
  if (s.paused) return false;
  if (s.last_success_ms == 0) return s.last_attempt_ms > 0 && !s.last_error.empty();
  return now - s.last_success_ms > 3 * std::max<std::int64_t>(s.interval_ms, 1000);
}

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

json health_body(const RestContext& ctx) {
  const auto now = bridge::wall_ms();
  const auto statuses = ctx.fleet->statuses();
  json failing_ids = json::array();
  std::size_t up = 0, paused = 0, breaker_open = 0;
  for (const auto& s : statuses) {
    if (s.paused) ++paused;
    if (s.breaker != poller::BreakerState::closed) ++breaker_open;
    if (failing(s, now)) failing_ids.push_back(s.id);
    else if (!s.paused && s.last_success_ms > 0) ++up;
  }
  json checks = json::array();
  checks.push_back({{"name", "store"}, {"ok", true}, {"detail", ctx.store->path().string()}});
  auto st = ctx.store->stats();
  if (st.dropped_queue_full > 0) {
    checks.back()["ok"] = false;
    checks.back()["detail"] = std::to_string(st.dropped_queue_full) + " writes dropped (queue full)";
  }
  bool mqtt_ok = true;
  json mqtt = {{"enabled", ctx.mqtt != nullptr}};
  if (ctx.mqtt) {
    auto ms = ctx.mqtt->stats();
    mqtt_ok = ms.connected;
    mqtt["connected"] = ms.connected;
    mqtt["inflight"] = ms.inflight;
    mqtt["acked"] = ms.readings_acked;
    mqtt["outbox"] = ctx.store->outbox_count();
    checks.push_back({{"name", "mqtt"},
                      {"ok", ms.connected},
                      {"detail", ms.connected ? "connected" : "broker not connected; readings wait in the outbox"}});
  }
  // A bridge without meters polls nothing: failing, unless the config says that is intended, or
  // the hash gave this shard none of the fleet's meters (the loader refuses a file without any).
  const auto cfg = ctx.config();
  const bool no_meters = statuses.empty() && !cfg->bridge.allow_no_meters && !cfg->active_shard;
  checks.push_back({{"name", "meters"},
                    {"ok", failing_ids.empty() && !no_meters},
                    {"detail", no_meters ? std::string("no meters: no enabled [[meter]] in the config (set [bridge] "
                                                       "allow_no_meters = true if that is intended)")
                                         : std::to_string(failing_ids.size()) + " of " +
                                               std::to_string(statuses.size()) + " meters failing"}});
  std::string status = "ok";
  if (!failing_ids.empty() || breaker_open > 0) status = "degraded";
  if (!mqtt_ok || no_meters || (!statuses.empty() && failing_ids.size() == statuses.size())) status = "failing";
  return {{"status", status},
          {"checks", checks},
          {"meters",
           {{"total", statuses.size()},
            {"up", up},
            {"paused", paused},
            {"breaker_open", breaker_open},
            {"failing", failing_ids}}},
          {"mqtt", mqtt},
          {"ts", now}};
}

Response action_plan(const RestContext& ctx) {
  const auto now = bridge::wall_ms();
  json steps = json::array();
  if (ctx.mqtt && !ctx.mqtt->stats().connected) {
    auto cfg = ctx.config();
    steps.push_back(
        {{"target", "mqtt"},
         {"severity", "critical"},
         {"symptom", "mqtt_disconnected"},
         {"explanation", "The MQTT broker " + cfg->mqtt.host + ":" + std::to_string(cfg->mqtt.port) +
                             " is not connected; readings are kept in the outbox (" +
                             std::to_string(ctx.store->outbox_count()) + " waiting)."},
         {"action", "Check the broker (systemctl status mosquitto; ss -tln | grep " + std::to_string(cfg->mqtt.port) +
                        "), the credentials/token, and that no other client uses the client id (MQTT 'code 7')."}});
  }
  for (const auto& s : ctx.fleet->statuses()) {
    if (s.paused) {
      steps.push_back({{"target", s.id},
                       {"severity", "info"},
                       {"symptom", "paused"},
                       {"explanation", "Polling is paused by an operator."},
                       {"action", "dlms-bridge ctl resume " + s.id + " when maintenance is over."}});
      continue;
    }
    if (!failing(s, now) && s.breaker == poller::BreakerState::closed) continue;
    json step = {{"target", s.id}, {"state", std::string(poller::to_label(s.state))}, {"last_error", s.last_error}};
    if (s.diagnosis) {
      const auto& d = s.diagnosis->diagnosis;
      step["severity"] = std::string(to_label(d.severity));
      step["symptom"] = std::string(d.symptom);
      step["explanation"] = d.explanation;
      step["action"] = d.action;
      step["since"] = s.diagnosis->ts_ms;
      step["count"] = s.diagnosis->count;
    } else {
      step["severity"] = "warning";
      step["symptom"] = "no_readings";
      step["explanation"] = "No reading yet.";
      step["action"] = "dlms-bridge ctl test " + s.id + " for a diagnosis.";
    }
    auto actions = status::split_actions(step["action"].get<std::string>());
    if (s.breaker != poller::BreakerState::closed) {
      step["breaker"] = std::string(poller::to_label(s.breaker));
      // The breaker's own diagnosis already says it; otherwise it is one more step, not a
      // sentence glued to the last one.
      if (step["symptom"] != "circuit_open") {
        actions.push_back("the circuit breaker is open (too many reconnects per hour): check network stability and "
                          "the meter's DLMS settings");
      }
    }
    step["actions"] = actions;
    std::string joined;
    for (const auto& a : actions) joined += (joined.empty() ? "" : "; ") + a;
    step["action"] = joined;
    steps.push_back(step);
  }
  return Response::json(200, {{"ts", now}, {"steps", steps}});
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
