// MeterSession, part 3: the association's life. Connect (admission: rate limit, concurrency
// slot), open with the current credential pair on the current endpoint, what a failed attempt
// costs (diagnosis, the breaker's verdict, the next failover endpoint or the backoff or refusal
// wait, the next credential pair), reconnect (counted by the breaker), release (DISC), the
// return to the primary endpoint after failover_holdback, and the request deadline (fixed or
// adaptive).
#include "bridge/poller/meter_session.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "bridge/human_duration.h"
#include "bridge/log.h"

namespace bridge::poller {

using labels::PollFailure;
using labels::ReconnectCause;

awaitable<bool> MeterSession::connect(bool manual) {
  set_state(MeterState::connecting);
  const TimePoint allowed = ctx_.rate.reserve(Clock::now());
  while (Clock::now() < allowed && !stopping_) co_await sleep_until(allowed);
  if (stopping_ || (paused_ && !manual)) co_return false;
  if (!co_await acquire_slot()) co_return false;
  const bool ok = co_await open_connection(!manual);
  release_slot();
  co_return ok;
}

awaitable<bool> MeterSession::open_connection(bool scheduled) {
  const Credential cred = credential();
  ConnectionObserver observer;
  observer.on_hdlc_error = [this](labels::HdlcError kind, const std::string& hex) {
    watchdogs_.on_hdlc_error();
    report_.hdlc_error(kind, hex);
  };
  observer.on_protocol_warning = [this](const std::string& warning) { report_.protocol_warning(warning); };
  observer.on_response_time = [this](Duration elapsed) { deadline_.on_response(elapsed); };
  observer.on_garbage = [this](std::uint64_t bytes) { report_.garbage(bytes); };
  const config::MeterConfig target = endpoint_meter();
  connection_ = ctx_.connections(ctx_.executor, target, cred, std::move(observer));
  apply_request_timeout();
  last_attempt_ms_ = wall_ms();
  in_connection_op_ = true;
  auto result = co_await connection_->open();
  in_connection_op_ = false;
  const TimePoint now = Clock::now();
  if (result || !result.error().cancelled) first_attempt_over(now);
  if (!result) {
    connection_.reset();
    if (!result.error().cancelled) on_connect_failure(result.error(), now, scheduled);
    co_return false;
  }
  apply_request_timeout();  // the association's own replies (AARE) were measured
  ++report_.counters().connects;
  client_sap_ = cred.client_sap;
  watchdogs_.on_connected(now);
  clock_.on_associated();
  failover_.on_connected(now);
  report_.endpoint(failover_.current());
  const std::uint32_t failures = backoff_.failures();
  backoff_.reset();
  report_.connected(true);
  log::info("associated", {{"meter", meter_->id}, {"host", target.host}, {"port", target.port},
                           {"client_sap", static_cast<int>(cred.client_sap)}, {"after_failures", failures}});
  if (failover_.current() > 0) {
    ++report_.counters().failovers;
    report_.event(Severity::warning, "connection",
                  "associated through failover endpoint " + std::to_string(failover_.current()) + " (" +
                      endpoint_text() + ") because " + config::Endpoint{meter_->host, meter_->port}.to_string() +
                      " failed; the primary is tried again after " + human_duration(meter_->qos.failover_holdback),
                  nlohmann::json{{"endpoint", endpoint_text()}, {"endpoint_index", failover_.current()}}.dump(), true);
  }
  if (down_) {
    down_ = false;
    report_.event(Severity::info, "connection",
                  "meter reachable again after " + std::to_string(failures) + " failed connection attempts", {}, true);
  }
  if (cred.alternative) {
    report_.event(Severity::warning, "association",
         "associated with alternative credential client SAP " + std::to_string(cred.client_sap) +
             " after the configured pair was rejected: update the meter's client_sap/password",
         nlohmann::json{{"client_sap", cred.client_sap}}.dump());
  }
  // Resume the grid where it is: slots missed while disconnected are skipped by begin().
  publish_status();
  co_return true;
}

awaitable<void> MeterSession::pause_for(Duration d) {
  const TimePoint until = Clock::now() + d;
  while (!stopping_ && Clock::now() < until) co_await sleep_until(until);
}

void MeterSession::on_connect_failure(const ConnectionError& error, TimePoint now, bool scheduled) {
  request_failed(error);
  const Diagnosis& d = report_.diagnose(error, Step::connect, endpoint_meter());
  report_.connect_failed(scheduled);
  if (scheduled) report_.cycle(CycleResult::failed, error.reason);
  if (breaker_.record_failure(now)) {
    report_.event(Severity::warning, "circuit_breaker",
         "circuit breaker probe failed (" + std::string(labels::to_label(error.reason)) + "): open again for " +
             human_duration(breaker_.policy().open_for),
                  {}, true);
  }
  // Another endpoint of this round left: try it at once; the backoff waits between rounds.
  const std::size_t failed_endpoint = failover_.current();
  const bool next_endpoint = failover_.on_connect_failure();
  if (failover_.current() != failed_endpoint) report_.endpoint(failover_.current());
  Duration delay = next_endpoint ? Duration{0} : backoff_.on_failure();
  const bool meter_side_refusal =
      error.reason == PollFailure::association_rejected || error.reason == PollFailure::busy;
  if (meter_side_refusal) delay = std::max(delay, Duration{meter_->qos.inter_attempt_wait});
  if (d.try_alternative_credentials) ++credential_index_;
  next_connect_at_ = now + delay;
  wait_kind_ = meter_side_refusal ? WaitKind::refusal : WaitKind::backoff;
  wait_since_ = now;
  log::warn("connect failed", {{"meter", meter_->id},
                               {"endpoint_index", failed_endpoint},
                               {"reason", labels::to_label(error.reason)},
                               {"attempt", backoff_.failures()},
                               {"retry_in_ms", delay.count()},
                               {"error", error.message}});
  if (backoff_.down() && !down_) {
    down_ = true;
    report_.event(d.severity, "connection",
         "meter down after " + std::to_string(backoff_.failures()) + " failed connection attempts: " + d.explanation,
         to_json(d, Step::connect));
  } else {
    report_.event(Severity::warning, "connection", "connection failed: " + d.explanation, to_json(d, Step::connect));
  }
  publish_status();
}

awaitable<void> MeterSession::reconnect(ReconnectCause cause, const std::string& why) {
  const TimePoint now = Clock::now();
  report_.reconnect(cause);
  log::warn("reconnecting", {{"meter", meter_->id}, {"cause", labels::to_label(cause)}, {"why", why}});
  if (breaker_.record_reconnect(now)) {
    report_.breaker_tripped();
    ConnectionError e;
    e.reason = PollFailure::circuit_open;
    e.message = std::to_string(breaker_.recent_reconnects(now)) + " reconnects within " +
                human_duration(breaker_.policy().window);
    const Diagnosis& d = report_.diagnose(e, Step::connect, *meter_);
    report_.event(Severity::critical, "circuit_breaker",
                  "circuit breaker open: " + e.message + "; no connection attempts for " +
                      human_duration(breaker_.policy().open_for),
                  to_json(d, Step::connect), true);
  }
  co_await release_connection();
  next_connect_at_ = now + meter_->qos.reconnect_settle;
  wait_kind_ = WaitKind::settle;
  wait_since_ = now;
}

awaitable<void> MeterSession::release_connection() {
  if (!connection_) co_return;
  if (aborted_) {
    connection_->cancel();
  } else {
    closing_ = true;
    co_await connection_->close();  // DISC within the disconnect timeout, then close the socket
    closing_ = false;
    if (aborted_) connection_->cancel();
  }
  connection_.reset();
  watchdogs_.on_disconnected();
  report_.connected(false);
  publish_status();
}

Credential MeterSession::credential() const {
  Credential c;
  const std::size_t alternatives = meter_->credential_alternatives.size();
  const std::size_t index = alternatives == 0 ? 0 : credential_index_ % (alternatives + 1);
  if (index == 0) {
    c.client_sap = meter_->client_sap;
    c.auth = meter_->auth;
    c.password = meter_->password.reveal();
  } else {
    const auto& alt = meter_->credential_alternatives[index - 1];
    c.client_sap = alt.client_sap;
    c.auth = alt.password.empty() ? config::Auth::none : config::Auth::low;
    c.password = alt.password.reveal();
    c.alternative = true;
  }
  return c;
}

config::MeterConfig MeterSession::endpoint_meter() const {
  config::MeterConfig m = *meter_;
  const std::size_t i = failover_.current();
  if (i > 0 && i <= meter_->endpoints.size()) {
    m.host = meter_->endpoints[i - 1].host;
    m.port = meter_->endpoints[i - 1].port;
  }
  return m;
}

std::string MeterSession::endpoint_text() const {
  const std::size_t i = failover_.current();
  if (i > 0 && i <= meter_->endpoints.size()) return meter_->endpoints[i - 1].to_string();
  return config::Endpoint{meter_->host, meter_->port}.to_string();
}

awaitable<void> MeterSession::return_to_primary_if_due(TimePoint now) {
  if (!connection_ || now < failover_.return_due()) co_return;
  std::string why = "failover_holdback (" + human_duration(meter_->qos.failover_holdback) + ") on " + endpoint_text() +
                    " passed: trying the primary " + config::Endpoint{meter_->host, meter_->port}.to_string();
  report_.event(Severity::info, "connection", why, {}, true);
  co_await reconnect(ReconnectCause::failover_return, why);
  failover_.return_to_primary();
  report_.endpoint(0);
  // No settle wait: the primary is another connection (the alternative was released with DISC).
  next_connect_at_ = TimePoint{};
  wait_kind_ = WaitKind::none;
  publish_status();
}

void MeterSession::apply_request_timeout() {
  const Duration timeout = deadline_.current();
  if (connection_) connection_->set_request_timeout(timeout);
  if (timeout == reported_timeout_) return;
  reported_timeout_ = timeout;
  report_.request_timeout(timeout);
}

void MeterSession::request_failed(const ConnectionError& error) {
  report_.request_failed(error);
  if (!error.cancelled && error.reason == PollFailure::timeout) deadline_.on_timeout();
}

void MeterSession::replan_waits() {
  const TimePoint now = Clock::now();
  if (next_connect_at_ <= now || wait_kind_ == WaitKind::none) return;
  Duration limit = Duration::max();
  switch (wait_kind_) {
    case WaitKind::none: return;
    case WaitKind::backoff: limit = backoff_.longest_delay(backoff_.failures()); break;
    case WaitKind::refusal:
      limit = std::max(backoff_.longest_delay(backoff_.failures()), Duration{meter_->qos.inter_attempt_wait});
      break;
    case WaitKind::settle: limit = meter_->qos.reconnect_settle; break;
  }
  const TimePoint replanned = shorten_wait(wait_since_, next_connect_at_, limit);
  if (replanned == next_connect_at_) return;
  log::info("pending wait shortened by the reload",
            {{"meter", meter_->id},
             {"was_in_ms", std::chrono::duration_cast<Duration>(next_connect_at_ - now).count()},
             {"now_in_ms", std::chrono::duration_cast<Duration>(std::max(replanned, now) - now).count()}});
  next_connect_at_ = replanned;
}

void MeterSession::count_breaker_skips(TimePoint now) {
  // Every slot that falls inside the open window is a poll the breaker skipped
  // (meter_poll_failures_total{reason="circuit_open"}), counted as the slots pass: a reload may
  // shorten the window, and slots that never passed are not counted.
  if (breaker_.state() != BreakerState::open) return;
  const TimePoint opened = breaker_.opened_at();
  const TimePoint from = std::max(breaker_counted_until_, opened);
  const TimePoint to = std::min(now, breaker_.open_until());
  if (to <= from) return;
  const auto interval = std::max(schedule_.interval(), Duration{1});
  // Slots begun since the breaker opened, at time t: ceil((t - opened) / interval).
  const auto slots_by = [&](TimePoint t) { return (t - opened + interval - Clock::duration{1}) / interval; };
  const auto slots = slots_by(to) - slots_by(from);
  breaker_counted_until_ = to;
  if (slots <= 0) return;
  report_.cycle(CycleResult::failed, PollFailure::circuit_open, static_cast<std::uint64_t>(slots));
  publish_status();
}

}  // namespace bridge::poller
