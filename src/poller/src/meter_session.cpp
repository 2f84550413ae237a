// MeterSession, part 1: control, the script loop, watchdogs, reload and the status snapshot.
// One class in three files by concern: the association's life (connect, failure, reconnect,
// release) is in meter_session_connection.cpp, the read cycle (registers, keep-alive, manual
// test) in meter_session_cycle.cpp; the counting and reporting in session_report.cpp; the
// decision in session_plan.cpp.
#include "bridge/poller/meter_session.h"

#include <algorithm>
#include <exception>

#include <nlohmann/json.hpp>

#include "bridge/human_duration.h"
#include "bridge/log.h"
#include "bridge/poller/qos.h"

namespace bridge::poller {

using labels::PollFailure;
using labels::ReconnectCause;

MeterSession::MeterSession(SessionContext& ctx, std::shared_ptr<const config::MeterConfig> meter, bool paused,
                           TimePoint first_slot)
    : ctx_(ctx),
      meter_(std::move(meter)),
      report_(ctx, meter_->id),
      wake_(ctx.executor),
      backoff_(backoff_policy(meter_->qos)),
      breaker_(breaker_policy(meter_->qos)),
      watchdogs_(watchdog_policy(meter_->qos), Clock::now()),
      schedule_(first_slot, meter_->qos.poll_interval),
      clock_(clock_policy(meter_->qos)),
      deadline_(adaptive_timeout_policy(meter_->qos)),
      failover_(meter_->endpoints.size() + 1, meter_->qos.failover_holdback),
      paused_(paused) {
  schedule_.set_max_start_lateness(meter_->qos.start_lateness_limit());
  ctx_.observers.on_meter_added(meter_->id, paused_);
  report_.endpoint(0);
  apply_request_timeout();
}

MeterSession::~MeterSession() = default;

// ---------------------------------------------------------------------------------------------
// Control (io thread)

void MeterSession::poke() { wake_.cancel(); }

void MeterSession::start() {
  publish_status();
  auto self = shared_from_this();
  asio::co_spawn(ctx_.executor, run(), [self](std::exception_ptr e) {
    if (e) {
      // A bug, not a meter failure: log it and start the loop again unless we are stopping.
      std::string what = "unknown exception";
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        what = ex.what();
      } catch (...) {
      }
      log::critical("meter session crashed", {{"meter", self->meter_->id}, {"error", what}});
      self->connection_.reset();
      if (!self->stopping_) {
        self->next_connect_at_ = Clock::now() + std::chrono::seconds(1);
        self->start();
        return;
      }
    }
    self->finished_ = true;
    self->set_state(MeterState::stopped);
    if (self->on_stopped_) std::exchange(self->on_stopped_, nullptr)();
  });
}

void MeterSession::stop(std::function<void()> done) {
  on_stopped_ = std::move(done);
  if (finished_) {
    if (on_stopped_) std::exchange(on_stopped_, nullptr)();
    return;
  }
  stopping_ = true;
  if (connection_ && in_connection_op_ && !closing_) connection_->cancel();
  poke();
}

void MeterSession::abort() {
  aborted_ = true;
  stopping_ = true;
  if (connection_) connection_->cancel();
  poke();
}

void MeterSession::pause() {
  if (paused_) return;
  account_slots(Clock::now());  // what was owed up to now stays owed
  paused_ = true;
  report_.paused(true);
  report_.event(Severity::info, "polling", "polling paused by operator", {}, true);
  poke();
}

void MeterSession::resume() {
  if (!paused_) return;
  paused_ = false;
  report_.paused(false);
  // A fresh grid from now: the slots during the pause are not "skipped".
  schedule_.restart(Clock::now());
  owing_ = false;
  next_connect_at_ = TimePoint{};
  wait_kind_ = WaitKind::none;
  backoff_.reset();
  report_.event(Severity::info, "polling", "polling resumed by operator", {}, true);
  poke();
}

void MeterSession::test(std::function<void(TestResult)> done) {
  if (stopping_) {
    TestResult r;
    r.meter = meter_->id;
    r.error = "the meter session is stopping";
    done(std::move(r));
    return;
  }
  tests_.push_back(std::move(done));
  poke();
}

void MeterSession::reconfigure(std::shared_ptr<const config::MeterConfig> meter, bool connection_changed) {
  pending_connection_changed_ = connection_changed || (pending_config_ && pending_connection_changed_);
  pending_config_ = std::move(meter);
  poke();
}

void MeterSession::rebind(std::shared_ptr<const config::MeterConfig> meter) {
  // Safe at any time: the content is the same, and a coroutine suspended with a reference into
  // the old entry holds its own pointer to it.
  meter_ = std::move(meter);
}

// ---------------------------------------------------------------------------------------------
// The script

SessionFacts MeterSession::facts() const {
  return SessionFacts{.config_pending = pending_config_ != nullptr,
                      .test_pending = !tests_.empty(),
                      .paused = paused_,
                      .connected = connection_ && connection_->is_open(),
                      .breaker = breaker_.state(),
                      .breaker_open_until = breaker_.open_until(),
                      .probe_out = breaker_.probe_out(),
                      .next_connect_at = next_connect_at_,
                      .next_slot = schedule_.next(),
                      .keepalive_at = keepalive_due()};
}

awaitable<void> MeterSession::run() {
  while (!stopping_) {
    const TimePoint now = Clock::now();
    account_slots(now);
    const NextStep step = next_step(facts(), now);
    const bool disconnected = !connection_ || !connection_->is_open();
    if (disconnected && (step.action == Action::connect || step.action == Action::probe_lost ||
                         step.action == Action::wait)) {
      // Disconnected bookkeeping before any wait or attempt: drop a dead connection, report silence
      // (the connect loop is already retrying), count the slots an open breaker skips.
      if (connection_) co_await release_connection();
      co_await handle_watchdogs(now);
      if (stopping_) break;
      count_breaker_skips(now);
    }
    switch (step.action) {
      case Action::apply_config: co_await apply_pending_config(); break;
      case Action::test: co_await run_tests(); break;
      case Action::pause:
        co_await release_connection();
        set_state(MeterState::paused);
        co_await sleep_until(TimePoint::max());
        break;
      case Action::wait:
        set_state(step.waiting_as);
        co_await sleep_until(step.until);
        break;
      case Action::probe_lost:
        // The probe association was lost before a cycle could judge it: count it as failed.
        breaker_.record_failure(now);
        break;
      case Action::connect:
        (void)breaker_.allow(now);  // takes the probe when half-open (granted: next_step checked)
        co_await connect(false);
        break;
      case Action::keepalive: co_await keepalive(); break;
      case Action::cycle: co_await cycle(); break;
    }
  }
  // Pending tests get an answer rather than silence.
  for (auto& done : std::exchange(tests_, {})) {
    TestResult r;
    r.meter = meter_->id;
    r.error = "the meter session is stopping";
    done(std::move(r));
  }
  co_await release_connection();
}

awaitable<void> MeterSession::handle_watchdogs(TimePoint now) {
  const auto trip = watchdogs_.check(now);
  if (!trip) co_return;
  report_.watchdog(*trip);
  const bool connected = connection_ && connection_->is_open();
  const WatchdogNotice notice = watchdog_notice(*trip, watchdogs_.policy(), connected);
  nlohmann::json details = {{"watchdog", to_label(*trip)}};
  if (const auto& diagnosis = report_.diagnosis()) {
    details["reason"] = labels::to_label(diagnosis->diagnosis.reason);
    details["action"] = diagnosis->diagnosis.action;
  }
  report_.event(notice.severity, watchdog_label(*trip) ? "watchdog" : "connection", notice.message, details.dump());
  // Closing the socket discards whatever is buffered; the next open() drains until quiet
  // (drain_on_connect) before SNRM: that is the resync.
  if (connected) co_await reconnect(reconnect_cause(*trip), notice.message);
}

awaitable<void> MeterSession::apply_pending_config() {
  auto meter = std::exchange(pending_config_, nullptr);
  const bool connection_changed = std::exchange(pending_connection_changed_, false);
  const bool interval_changed = meter->qos.poll_interval != meter_->qos.poll_interval;
  meter_ = std::move(meter);
  backoff_.set_policy(backoff_policy(meter_->qos));
  breaker_.set_policy(breaker_policy(meter_->qos));
  watchdogs_.set_policy(watchdog_policy(meter_->qos));
  clock_.set_policy(clock_policy(meter_->qos));
  if (meter_->qos.clock == config::ClockMode::off && clock_status_.checked_ms != 0) {
    clock_status_ = {};
    report_.clock_unknown();
  }
  deadline_.set_policy(adaptive_timeout_policy(meter_->qos));
  apply_request_timeout();
  failover_.set_policy(meter_->endpoints.size() + 1, meter_->qos.failover_holdback);
  schedule_.set_max_start_lateness(meter_->qos.start_lateness_limit());
  if (interval_changed) schedule_.restart(std::max(Clock::now(), schedule_.next()), meter_->qos.poll_interval);
  replan_waits();
  log::info("meter settings reloaded",
            {{"meter", meter_->id}, {"connection_changed", connection_changed}, {"interval_changed", interval_changed}});
  if (connection_changed) {
    credential_index_ = 0;
    backoff_.reset();
    if (connection_) {
      std::string why = "connection settings changed";
      co_await reconnect(ReconnectCause::config_reload, why);
      next_connect_at_ = TimePoint{};
      wait_kind_ = WaitKind::none;
    }
  }
  publish_status();
}

awaitable<bool> MeterSession::sleep_until(TimePoint t) {
  if (stopping_) co_return false;
  if (t <= Clock::now()) co_return true;
  boost::system::error_code ec;
  wake_.expires_at(t);
  co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec && !stopping_;
}

awaitable<bool> MeterSession::acquire_slot() {
  if (ctx_.concurrency.try_acquire()) co_return true;
  bool granted = false;
  const auto id = ctx_.concurrency.wait([this, &granted] {
    granted = true;
    poke();
  });
  while (!granted && !stopping_) co_await sleep_until(TimePoint::max());
  if (!granted) {
    if (!ctx_.concurrency.cancel(id)) ctx_.concurrency.release();  // granted meanwhile
    co_return false;
  }
  co_return true;
}

void MeterSession::release_slot() { ctx_.concurrency.release(); }

TimePoint MeterSession::keepalive_due() const {
  if (!meter_->qos.keepalive_idle || meter_->qos.keepalive_idle->count() <= 0 || !connection_) return TimePoint::max();
  return connection_->last_activity() + *meter_->qos.keepalive_idle;
}

void MeterSession::set_state(MeterState s) {
  if (state_ == s) return;
  state_ = s;
  // Polling <-> idle flips every cycle: only other transitions refresh the snapshot here.
  if (s != MeterState::polling && s != MeterState::idle) publish_status();
}

MeterStatus MeterSession::status() const {
  MeterStatus s;
  s.id = meter_->id;
  s.host = meter_->host;
  s.port = meter_->port;
  s.state = state_;
  s.connected = connection_ && connection_->is_open();
  s.paused = paused_;
  s.breaker = breaker_.state();
  if (breaker_.state() != BreakerState::closed) s.breaker_open_until_ms = to_wall_ms(breaker_.open_until());
  s.last_success_ms = last_success_ms_;
  s.last_attempt_ms = last_attempt_ms_;
  s.next_poll_ms = (s.connected && !paused_) ? to_wall_ms(schedule_.next()) : 0;
  s.last_error = report_.last_error();
  s.diagnosis = report_.diagnosis();
  s.client_sap = client_sap_;
  s.consecutive_failures = backoff_.failures();
  s.interval_ms = schedule_.interval().count();
  s.max_lateness_ms = max_lateness_.count();
  s.endpoint_index = failover_.current();
  s.endpoint = endpoint_text();
  s.request_timeout_ms = deadline_.current().count();
  s.clock = clock_status_;
  s.counters = report_.counters();
  s.counters.skipped_slots = schedule_.skipped();
  return s;
}

void MeterSession::publish_status() {
  MeterStatus s = status();
  ctx_.observers.on_status(s);  // the store's inventory row (throttled there)
  ctx_.publish(s);
}

}  // namespace bridge::poller
