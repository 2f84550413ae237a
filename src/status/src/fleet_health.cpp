#include "bridge/status/fleet_health.h"

#include <algorithm>

#include "bridge/status/operator_text.h"
#include "bridge/status/targets.h"

namespace bridge::status {

bool meter_failing(const poller::MeterStatus& s, std::int64_t now_ms) {
  if (s.paused) return false;
  if (s.last_success_ms == 0) return s.last_attempt_ms > 0 && !s.last_error.empty();
  return now_ms - s.last_success_ms > 3 * std::max<std::int64_t>(s.interval_ms, 1000);
}

MeterHealth meter_health(const poller::MeterStatus& s, const TrendFigures& f, std::int64_t now_ms) {
  if (s.paused) return {"paused"};
  if (meter_failing(s, now_ms) || s.breaker == poller::BreakerState::open) {
    std::int64_t since = s.last_success_ms;
    if (since == 0) since = s.diagnosis ? s.diagnosis->ts_ms : s.last_attempt_ms;
    return {s.breaker == poller::BreakerState::open ? "breaker_open" : "down", since};
  }
  if (s.last_success_ms == 0) return {"starting"};
  const bool bad_ratio =
      success_level(f.success_ratio()) != Level::ok && success_level(f.success_ratio()) != Level::unknown;
  if (bad_ratio || reconnects_level(f.reconnects, f.window_ms) != Level::ok ||
      hdlc_errors_level(f.hdlc_errors, f.window_ms) != Level::ok) {
    return {"degraded"};
  }
  return {"up"};
}

std::string_view to_label(HealthStatus s) {
  switch (s) {
    case HealthStatus::ok: return "ok";
    case HealthStatus::degraded: return "degraded";
    case HealthStatus::failing: return "failing";
  }
  return "failing";
}

FleetHealth assess_health(const HealthFacts& f) {
  FleetHealth h;
  h.ts_ms = f.now_ms;
  h.total = f.meters.size();
  for (const auto& s : f.meters) {
    if (s.paused) ++h.paused;
    if (s.breaker != poller::BreakerState::closed) ++h.breaker_open;
    if (meter_failing(s, f.now_ms)) {
      h.failing.push_back(s.id);
    } else if (!s.paused && s.last_success_ms > 0) {
      ++h.up;
    }
  }
  HealthCheck store{"store", true, f.store_path};
  if (f.store_writes_dropped > 0) {
    store.ok = false;
    store.detail = std::to_string(f.store_writes_dropped) + " writes dropped (queue full)";
  }
  h.checks.push_back(std::move(store));
  const bool mqtt_ok = !f.mqtt || f.mqtt->connected;
  if (f.mqtt) {
    h.checks.push_back({"mqtt", f.mqtt->connected,
                        f.mqtt->connected ? "connected" : "broker not connected; readings wait in the outbox"});
  }
  const bool no_meters = f.meters.empty() && !f.allow_no_meters && !f.sharded;
  h.checks.push_back(
      {"meters", h.failing.empty() && !no_meters,
       no_meters ? std::string("no meters: no enabled [[meter]] in the config (set [bridge] allow_no_meters = true if "
                               "that is intended)")
                 : std::to_string(h.failing.size()) + " of " + std::to_string(f.meters.size()) + " meters failing"});
  if (!h.failing.empty() || h.breaker_open > 0) h.status = HealthStatus::degraded;
  if (!mqtt_ok || no_meters || (!f.meters.empty() && h.failing.size() == f.meters.size())) {
    h.status = HealthStatus::failing;
  }
  return h;
}

namespace {

ActionStep mqtt_step(const MqttFacts& m) {
  ActionStep step;
  step.target = "mqtt";
  step.severity = Severity::critical;
  step.symptom = "mqtt_disconnected";
  step.explanation = "The MQTT broker " + m.host + ":" + std::to_string(m.port) +
                     " is not connected; readings are kept in the outbox (" + std::to_string(m.outbox) + " waiting).";
  step.action = "Check the broker (systemctl status mosquitto; ss -tln | grep " + std::to_string(m.port) +
                "), the credentials/token, and that no other client uses the client id (MQTT 'code 7').";
  return step;
}

ActionStep paused_step(const poller::MeterStatus& s) {
  ActionStep step;
  step.target = s.id;
  step.severity = Severity::info;
  step.symptom = "paused";
  step.explanation = "Polling is paused by an operator.";
  step.action = "dlms-bridge ctl resume " + s.id + " when maintenance is over.";
  return step;
}

ActionStep meter_step(const poller::MeterStatus& s) {
  ActionStep step;
  step.target = s.id;
  step.state = s.state;
  step.last_error = s.last_error;
  std::string action;
  if (s.diagnosis) {
    const auto& d = s.diagnosis->diagnosis;
    step.severity = d.severity;
    step.symptom = std::string(d.symptom);
    step.explanation = d.explanation;
    action = d.action;
    step.since_ms = s.diagnosis->ts_ms;
    step.count = s.diagnosis->count;
  } else {
    step.severity = Severity::warning;
    step.symptom = "no_readings";
    step.explanation = "No reading yet.";
    action = "dlms-bridge ctl test " + s.id + " for a diagnosis.";
  }
  step.actions = split_actions(action);
  if (s.breaker != poller::BreakerState::closed) {
    step.breaker = s.breaker;
    // The breaker's own diagnosis already says it; otherwise it is one more step, not a
    // sentence glued to the last one.
    if (step.symptom != "circuit_open") {
      step.actions.push_back(
          "the circuit breaker is open (too many reconnects per hour): check network stability and the meter's DLMS "
          "settings");
    }
  }
  for (const auto& a : step.actions) step.action += (step.action.empty() ? "" : "; ") + a;
  return step;
}

}  // namespace

std::vector<ActionStep> action_plan(const HealthFacts& f) {
  std::vector<ActionStep> steps;
  if (f.mqtt && !f.mqtt->connected) steps.push_back(mqtt_step(*f.mqtt));
  for (const auto& s : f.meters) {
    if (s.paused) {
      steps.push_back(paused_step(s));
      continue;
    }
    if (!meter_failing(s, f.now_ms) && s.breaker == poller::BreakerState::closed) continue;
    steps.push_back(meter_step(s));
  }
  return steps;
}

}  // namespace bridge::status
