#include "status_json.h"

#include <string>

#include "bridge/config/config.h"
#include "dlms/cosem/units.h"

namespace bridge::app {
namespace {

nlohmann::json ts_or_null(std::int64_t ms) { return ms > 0 ? nlohmann::json(ms) : nlohmann::json(nullptr); }

// The same figures as /metrics: cycles = meter_polls_total, cycles_failed = the sum of
// meter_poll_failures_total, failures.<reason> = meter_poll_failures_total{reason}.
nlohmann::json to_json(const poller::MeterCounters& c) {
  nlohmann::json failures = nlohmann::json::object();
  for (std::size_t i = 0; i < labels::kPollFailures.size(); ++i) {
    failures[std::string(labels::to_label(labels::kPollFailures[i]))] = c.failures[i];
  }
  return {{"cycles", c.cycles},
          {"cycles_ok", c.cycles_ok},
          {"cycles_failed", c.cycles_failed},
          {"cycles_partial", c.cycles_partial},
          {"breaker_skipped", c.breaker_skipped},
          {"failures", failures},
          {"on_time_cycles", c.on_time_cycles},
          {"skipped_slots", c.skipped_slots},
          {"slots_due", c.slots_due},
          {"slots_missed", c.slots_missed},
          {"reads_ok", c.reads_ok},
          {"reads_failed", c.reads_failed},
          {"read_retries", c.read_retries},
          {"connects", c.connects},
          {"connect_failures", c.connect_failures},
          {"reconnects", c.reconnects},
          {"hdlc_errors", c.hdlc_errors},
          {"watchdog_trips", c.watchdog_trips},
          {"breaker_trips", c.breaker_trips},
          {"keepalives", c.keepalives},
          {"readings", c.readings},
          {"tests", c.tests},
          {"clock_checks", c.clock_checks},
          {"clock_syncs", c.clock_syncs},
          {"failovers", c.failovers},
          {"protocol_warnings", c.protocol_warnings},
          {"garbage_bytes", c.garbage_bytes}};
}

nlohmann::json to_json(const Reading& r) {
  nlohmann::json values = nlohmann::json::object();
  for (const auto& v : r.values) {
    const auto unit = dlms::cosem::unit_info(static_cast<std::uint8_t>(v.unit));
    values[v.key] = {{"obis", v.obis}, {"value", v.value}, {"raw", v.raw}, {"scaler", v.scaler}, {"unit", v.unit},
                     {"unit_symbol", unit ? std::string(unit->symbol) : std::string()}};
  }
  return {{"meter", r.meter}, {"ts", r.ts_ms}, {"values", values}};
}

}  // namespace

nlohmann::json to_json(const poller::Diagnosis& d) {
  return {{"reason", std::string(labels::to_label(d.reason))},
          {"symptom", std::string(d.symptom)},
          {"severity", std::string(to_label(d.severity))},
          {"explanation", d.explanation},
          {"action", d.action},
          {"detail", d.detail}};
}

nlohmann::json to_json(const poller::MeterStatus& s) {
  nlohmann::json j = {{"id", s.id},
                      {"host", s.host},
                      {"port", s.port},
                      {"state", std::string(poller::to_label(s.state))},
                      {"connected", s.connected},
                      {"paused", s.paused},
                      {"breaker", std::string(poller::to_label(s.breaker))},
                      {"breaker_open_until", ts_or_null(s.breaker_open_until_ms)},
                      {"last_success", ts_or_null(s.last_success_ms)},
                      {"last_attempt", ts_or_null(s.last_attempt_ms)},
                      {"next_poll", ts_or_null(s.next_poll_ms)},
                      {"last_error", s.last_error},
                      {"client_sap", s.client_sap},
                      {"consecutive_failures", s.consecutive_failures},
                      {"interval_ms", s.interval_ms},
                      {"max_lateness_ms", s.max_lateness_ms},
                      {"endpoint", s.endpoint.empty() ? config::Endpoint{s.host, s.port}.to_string() : s.endpoint},
                      {"endpoint_index", s.endpoint_index},
                      {"request_timeout_ms", s.request_timeout_ms},
                      {"clock", {{"checked", ts_or_null(s.clock.checked_ms)},
                                 {"offset_seconds", s.clock.offset_s ? nlohmann::json(*s.clock.offset_s) : nlohmann::json(nullptr)},
                                 {"meter_time", s.clock.meter_time.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.clock.meter_time)},
                                 {"problem", s.clock.problem.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.clock.problem)}}},
                      {"counters", to_json(s.counters)}};
  if (s.diagnosis) {
    auto d = to_json(s.diagnosis->diagnosis);
    d["step"] = std::string(poller::to_label(s.diagnosis->step));
    d["first_seen"] = s.diagnosis->ts_ms;
    d["last_seen"] = s.diagnosis->last_ts_ms;
    d["count"] = s.diagnosis->count;
    j["diagnosis"] = d;
  } else {
    j["diagnosis"] = nullptr;
  }
  return j;
}

nlohmann::json to_json(const poller::TestResult& r) {
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& f : r.failures) {
    failures.push_back({{"key", f.key},
                        {"obis", f.obis},
                        {"reason", std::string(labels::to_label(f.reason))},
                        {"message", f.message}});
  }
  nlohmann::json j = {{"ok", r.ok},
                      {"meter", r.meter},
                      {"duration_ms", r.duration_ms},
                      {"reading", to_json(r.reading)},
                      {"failures", failures},
                      {"error", r.error}};
  j["diagnosis"] = r.diagnosis ? to_json(*r.diagnosis) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json to_json(const store::StoredEvent& e) {
  nlohmann::json details = nullptr;
  if (!e.event.details.empty()) {
    details = nlohmann::json::parse(e.event.details, nullptr, /*allow_exceptions=*/false);
    if (details.is_discarded()) details = e.event.details;
  }
  return {{"id", e.id},
          {"ts", e.event.ts_ms},
          {"meter", e.event.meter},
          {"severity", std::string(to_label(e.event.severity))},
          {"category", e.event.category},
          {"message", e.event.message},
          {"details", details},
          {"repeat_count", e.repeat_count},
          {"acknowledged", e.acknowledged}};
}

}  // namespace bridge::app
