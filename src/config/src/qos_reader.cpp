// The [qos] keys: fleet defaults, per-meter overrides and their combinations.
#include <toml++/toml.h>

#include "readers.h"

namespace bridge::config::detail {
namespace {

// request_timeout: a duration, or "auto" (deadlines that follow the meter's response times).
void read_request_timeout(TableReader& r, QosConfig& q) {
  const toml::node* n = r.node("request_timeout");
  if (n == nullptr) return;
  const auto* s = n->as_string();
  if (s != nullptr && s->get() == "auto") {
    q.request_timeout_auto = true;
    return;
  }
  // A word that is no duration at all ("fast", "automatic") is most likely a misspelt "auto".
  if (s != nullptr && !s->get().empty() && !(s->get()[0] >= '0' && s->get()[0] <= '9') && s->get()[0] != '-' &&
      s->get()[0] != '.') {
    r.problem("request_timeout", "unknown value \"" + s->get() + "\" (expected a duration such as \"7s\", or \"auto\")");
    return;
  }
  if (r.duration("request_timeout", q.request_timeout, DurationRule::positive)) q.request_timeout_auto = false;
}

// max_start_lateness: a duration, or "auto" (a tenth of poll_interval, also when absent).
void read_max_start_lateness(TableReader& r, QosConfig& q) {
  const toml::node* n = r.node("max_start_lateness");
  if (n == nullptr) return;
  if (const auto* s = n->as_string(); s != nullptr && s->get() == "auto") {
    q.max_start_lateness.reset();
    return;
  }
  Duration d{};
  if (r.duration("max_start_lateness", d, DurationRule::positive)) q.max_start_lateness = d;
}

}  // namespace

void read_qos(TableReader& r, QosConfig& q, bool per_meter) {
  auto involved = [&](std::string_view a, std::string_view b) { return !per_meter || r.has(a) || r.has(b); };
  constexpr auto kPos = DurationRule::positive;
  constexpr auto kNonNeg = DurationRule::non_negative;
  r.duration("poll_interval", q.poll_interval, kPos);
  read_max_start_lateness(r, q);
  read_request_timeout(r, q);
  r.duration("request_timeout_min", q.request_timeout_min, kPos);
  r.duration("request_timeout_max", q.request_timeout_max, kPos);
  r.duration("connect_timeout", q.connect_timeout, kPos);
  r.integer_as("connect_attempts", q.connect_attempts, 1, 100);
  r.duration("backoff_initial", q.backoff_initial, kPos);
  r.number("backoff_multiplier", q.backoff_multiplier, 1.0, 10.0);
  r.duration("backoff_max", q.backoff_max, kPos);
  r.number("backoff_jitter", q.backoff_jitter, 0.0, 1.0);
  r.duration("reconnect_settle", q.reconnect_settle, kNonNeg);
  r.duration("inter_attempt_wait", q.inter_attempt_wait, kNonNeg);
  r.integer_as("read_retries", q.read_retries, 0, 10);
  r.duration("read_retry_delay", q.read_retry_delay, kNonNeg);
  r.duration("disc_timeout", q.disc_timeout, kPos);
  r.duration("drain_on_connect", q.drain_on_connect, kNonNeg);
  r.optional_duration("keepalive_idle", q.keepalive_idle, kPos);
  r.integer_as("breaker_max_reconnects", q.breaker_max_reconnects, 1, 1'000'000);
  r.duration("breaker_window", q.breaker_window, kPos);
  r.duration("breaker_open", q.breaker_open, kPos);
  r.duration("silence_timeout", q.silence_timeout, kPos);
  r.integer_as("max_consecutive_hdlc_errors", q.max_consecutive_hdlc_errors, 0, 1'000'000);
  r.integer_as("max_consecutive_failed_cycles", q.max_consecutive_failed_cycles, 0, 1'000'000);
  r.optional_duration("reconnect_max_age", q.reconnect_max_age, kPos);
  r.integer_as("reconnect_every_reads", q.reconnect_every_reads, 0, 1'000'000'000);
  r.duration("event_throttle", q.event_throttle, kNonNeg);
  r.duration("failover_holdback", q.failover_holdback, kPos);
  r.enumeration("clock", q.clock,
                {{"off", ClockMode::off}, {"monitor", ClockMode::monitor}, {"sync", ClockMode::sync}});
  r.integer_as("clock_check_every", q.clock_check_every, 1, 1'000'000);
  r.duration("clock_max_offset", q.clock_max_offset, kPos);
  r.duration("clock_max_step", q.clock_max_step, kPos);

  // Combinations, reported where the later of the two keys is (or the table).
  if (q.backoff_max < q.backoff_initial && involved("backoff_max", "backoff_initial")) {
    r.problem(r.has("backoff_max") ? "backoff_max" : "backoff_initial",
              "backoff_max (" + format_duration(q.backoff_max) + ") is below backoff_initial (" +
                  format_duration(q.backoff_initial) + ")");
  }
  if (q.request_timeout_max < q.request_timeout_min && involved("request_timeout_max", "request_timeout_min")) {
    r.problem(r.has("request_timeout_max") ? "request_timeout_max" : "request_timeout_min",
              "request_timeout_max (" + format_duration(q.request_timeout_max) + ") is below request_timeout_min (" +
                  format_duration(q.request_timeout_min) + ")");
  }
  // A slot late by a whole interval is skipped, not started late: a larger limit would never apply.
  if (q.max_start_lateness && *q.max_start_lateness >= q.poll_interval &&
      involved("max_start_lateness", "poll_interval")) {
    r.problem(r.has("max_start_lateness") ? "max_start_lateness" : "poll_interval",
              "max_start_lateness (" + format_duration(*q.max_start_lateness) + ") is not below poll_interval (" +
                  format_duration(q.poll_interval) + ")");
  }
  if (q.silence_timeout < q.poll_interval && involved("silence_timeout", "poll_interval")) {
    r.problem(r.has("silence_timeout") ? "silence_timeout" : "poll_interval",
              "silence_timeout (" + format_duration(q.silence_timeout) + ") is shorter than poll_interval (" +
                  format_duration(q.poll_interval) + ")");
  }
}

const std::vector<std::string_view>& fleet_only_keys() {
  static const std::vector<std::string_view> kKeys{"max_concurrent_sessions", "connect_rate"};
  return kKeys;
}

void read_fleet(TableReader& r, FleetLimits& f) {
  r.integer_as("max_concurrent_sessions", f.max_concurrent_sessions, 0, 1'000'000);
  r.number("connect_rate", f.connect_rate, 0.0, 1'000'000.0);
}

}  // namespace bridge::config::detail
