#include "bridge/poller/meter_session.h"

#include <algorithm>
#include <exception>

#include <nlohmann/json.hpp>

#include "bridge/config/address_text.h"
#include "bridge/human_duration.h"
#include "bridge/log.h"
#include "bridge/metrics/bridge_metrics.h"
#include "bridge/poller/qos.h"
#include "bridge/store/store.h"

namespace bridge::poller {

using labels::PollFailure;
using labels::ReconnectCause;

std::string_view to_label(MeterState s) {
  switch (s) {
    case MeterState::starting: return "starting";
    case MeterState::connecting: return "connecting";
    case MeterState::backoff: return "backoff";
    case MeterState::idle: return "idle";
    case MeterState::polling: return "polling";
    case MeterState::breaker_open: return "breaker_open";
    case MeterState::paused: return "paused";
    case MeterState::stopped: return "stopped";
  }
  return "starting";
}

namespace {

metrics::BridgeMetrics::Meter* meter_metrics(SessionContext& ctx, const std::string& id) {
  return ctx.metrics ? ctx.metrics->meter(id) : nullptr;
}

// Operator text: "1 h", "5 min" (the raw "3600000ms" read badly in events and the action plan).
std::string format_ms(Duration d) { return human_duration(d); }

}  // namespace

MeterSession::MeterSession(SessionContext& ctx, config::MeterConfig meter, bool paused, TimePoint first_slot)
    : ctx_(ctx),
      meter_(std::move(meter)),
      wake_(ctx.executor),
      backoff_(backoff_policy(meter_.qos)),
      breaker_(breaker_policy(meter_.qos)),
      watchdogs_(watchdog_policy(meter_.qos), Clock::now()),
      schedule_(first_slot, meter_.qos.poll_interval),
      paused_(paused) {
  if (ctx_.metrics) {
    auto& m = ctx_.metrics->add_meter(meter_.id);
    m.paused.Set(paused_ ? 1 : 0);
    m.set_symptom(metrics::kNoSymptom);
  }
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
      log::critical("meter session crashed", {{"meter", self->meter_.id}, {"error", what}});
      self->link_.reset();
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
  if (link_ && in_link_op_ && !closing_) link_->cancel();
  poke();
}

void MeterSession::abort() {
  aborted_ = true;
  stopping_ = true;
  if (link_) link_->cancel();
  poke();
}

void MeterSession::pause() {
  if (paused_) return;
  paused_ = true;
  if (auto* m = meter_metrics(ctx_, meter_.id)) m->paused.Set(1);
  emit(Severity::info, "polling", "polling paused by operator", {}, true);
  poke();
}

void MeterSession::resume() {
  if (!paused_) return;
  paused_ = false;
  if (auto* m = meter_metrics(ctx_, meter_.id)) m->paused.Set(0);
  // A fresh grid from now: the slots during the pause are not "skipped".
  schedule_.restart(Clock::now());
  next_connect_at_ = TimePoint{};
  wait_kind_ = WaitKind::none;
  backoff_.reset();
  emit(Severity::info, "polling", "polling resumed by operator", {}, true);
  poke();
}

void MeterSession::test(std::function<void(TestResult)> done) {
  if (stopping_) {
    TestResult r;
    r.meter = meter_.id;
    r.error = "the meter session is stopping";
    done(std::move(r));
    return;
  }
  tests_.push_back(std::move(done));
  poke();
}

void MeterSession::reconfigure(config::MeterConfig meter, bool connection_changed) {
  if (pending_config_) connection_changed = connection_changed || pending_config_->second;
  pending_config_ = std::make_unique<std::pair<config::MeterConfig, bool>>(std::move(meter), connection_changed);
  poke();
}

// ---------------------------------------------------------------------------------------------
// The script

awaitable<void> MeterSession::run() {
  while (!stopping_) {
    if (pending_config_) {
      co_await apply_pending_config();
      continue;
    }
    if (!tests_.empty()) {
      co_await run_tests();
      continue;
    }
    if (paused_) {
      co_await release_link();
      set_state(MeterState::paused);
      co_await sleep_until(TimePoint::max());
      continue;
    }
    const TimePoint now = Clock::now();
    if (!link_ || !link_->is_open()) {
      if (link_) co_await release_link();
      // Silence while disconnected: the connect loop is already retrying; report it only.
      co_await handle_watchdogs(now);
      if (stopping_) break;
      count_breaker_skips(now);
      if (!breaker_.allow(now)) {
        if (breaker_.state() == BreakerState::half_open) {
          // The probe association was lost before a cycle could judge it: count it as failed.
          breaker_.record_failure(now);
          continue;
        }
        set_state(MeterState::breaker_open);
        co_await sleep_until(breaker_.open_until());
        continue;
      }
      if (now < next_connect_at_) {
        set_state(MeterState::backoff);
        co_await sleep_until(next_connect_at_);
        continue;
      }
      co_await connect(false);
      continue;
    }
    const TimePoint due = schedule_.next();
    const TimePoint keepalive_at = keepalive_due();
    set_state(MeterState::idle);
    if (keepalive_at < due) {
      if (co_await sleep_until(keepalive_at)) co_await keepalive();
      continue;
    }
    if (!co_await sleep_until(due)) continue;  // woken early: re-read the flags
    co_await cycle();
  }
  // Pending tests get an answer rather than silence.
  for (auto& done : std::exchange(tests_, {})) {
    TestResult r;
    r.meter = meter_.id;
    r.error = "the meter session is stopping";
    done(std::move(r));
  }
  co_await release_link();
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

LinkCredential MeterSession::credential() const {
  LinkCredential c;
  const std::size_t alternatives = meter_.credential_alternatives.size();
  const std::size_t index = alternatives == 0 ? 0 : credential_index_ % (alternatives + 1);
  if (index == 0) {
    c.client_sap = meter_.client_sap;
    c.auth = meter_.auth;
    c.password = meter_.password.reveal();
  } else {
    const auto& alt = meter_.credential_alternatives[index - 1];
    c.client_sap = alt.client_sap;
    c.auth = alt.password.empty() ? config::Auth::none : config::Auth::low;
    c.password = alt.password.reveal();
    c.alternative = true;
  }
  return c;
}

awaitable<bool> MeterSession::connect(bool manual) {
  set_state(MeterState::connecting);
  const TimePoint allowed = ctx_.rate.reserve(Clock::now());
  while (Clock::now() < allowed && !stopping_) co_await sleep_until(allowed);
  if (stopping_ || (paused_ && !manual)) co_return false;
  if (!co_await acquire_slot()) co_return false;
  const bool ok = co_await open_link(!manual);
  release_slot();
  co_return ok;
}

awaitable<bool> MeterSession::open_link(bool scheduled) {
  const LinkCredential cred = credential();
  LinkObserver observer;
  observer.on_hdlc_error = [this](labels::HdlcError kind, const std::string& hex) { on_hdlc_error(kind, hex); };
  link_ = ctx_.links(ctx_.executor, meter_, cred, std::move(observer));
  last_attempt_ms_ = wall_ms();
  in_link_op_ = true;
  auto result = co_await link_->open();
  in_link_op_ = false;
  const TimePoint now = Clock::now();
  if (!result) {
    link_.reset();
    if (!result.error().cancelled) on_connect_failure(result.error(), now, scheduled);
    co_return false;
  }
  ++counters_.connects;
  client_sap_ = cred.client_sap;
  watchdogs_.on_connected(now);
  const std::uint32_t failures = backoff_.failures();
  backoff_.reset();
  if (auto* m = meter_metrics(ctx_, meter_.id)) m->connected.Set(1);
  log::info("associated", {{"meter", meter_.id}, {"host", meter_.host}, {"port", meter_.port},
                           {"client_sap", static_cast<int>(cred.client_sap)}, {"after_failures", failures}});
  if (down_) {
    down_ = false;
    emit(Severity::info, "connection",
         "meter reachable again after " + std::to_string(failures) + " failed connection attempts", {}, true);
  }
  if (cred.alternative) {
    emit(Severity::warning, "association",
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

void MeterSession::on_connect_failure(const LinkError& error, TimePoint now, bool scheduled) {
  ++counters_.connect_failures;
  count_link_hdlc_error(error);
  record_diagnosis(error, Step::connect);
  if (auto* m = meter_metrics(ctx_, meter_.id)) {
    if (scheduled) m->up.Set(0);
    m->connected.Set(0);
  }
  if (scheduled) count_cycle(CycleResult::failed, error.reason);
  if (breaker_.record_failure(now)) {
    emit(Severity::warning, "circuit_breaker",
         "circuit breaker probe failed (" + std::string(labels::to_label(error.reason)) + "): open again for " +
             format_ms(breaker_.policy().open_for),
         {}, true);
  }
  Duration delay = backoff_.on_failure();
  const bool meter_side_refusal =
      error.reason == PollFailure::association_rejected || error.reason == PollFailure::busy;
  if (meter_side_refusal) delay = std::max(delay, Duration{meter_.qos.inter_attempt_wait});
  if (diagnosis_ && diagnosis_->diagnosis.try_alternative_credentials) ++credential_index_;
  next_connect_at_ = now + delay;
  wait_kind_ = meter_side_refusal ? WaitKind::refusal : WaitKind::backoff;
  wait_since_ = now;
  log::warn("connect failed", {{"meter", meter_.id},
                               {"reason", labels::to_label(error.reason)},
                               {"attempt", backoff_.failures()},
                               {"retry_in_ms", delay.count()},
                               {"error", error.message}});
  const Diagnosis& d = diagnosis_->diagnosis;
  if (backoff_.down() && !down_) {
    down_ = true;
    emit(d.severity, "connection",
         "meter down after " + std::to_string(backoff_.failures()) + " failed connection attempts: " + d.explanation,
         to_json(d, Step::connect));
  } else {
    emit(Severity::warning, "connection", "connection failed: " + d.explanation, to_json(d, Step::connect));
  }
  publish_status();
}

awaitable<MeterSession::CycleOutcome> MeterSession::read_all() {
  CycleOutcome out;
  out.reading.meter = meter_.id;
  out.reading.device_name = meter_.device_name.empty() ? meter_.id : meter_.device_name;
  out.reading.ts_ms = wall_ms();
  for (std::size_t i = 0; i < meter_.registers.size(); ++i) {
    const auto& reg = meter_.registers[i];
    if (stopping_ || !link_) {
      out.cancelled = true;
      break;
    }
    in_link_op_ = true;
    auto r = co_await link_->read(reg);
    in_link_op_ = false;
    if (!r) count_link_hdlc_error(r.error());
    // Per-read retry (read_retries, default 1, after read_retry_delay). When the failure broke
    // the association (timeout, framing, closed), the retry re-associates first, inside the
    // cycle, so one bad frame costs a reconnect but not the reading.
    for (std::uint32_t retry = 0; !r && !r.error().cancelled && !stopping_ && retry < meter_.qos.read_retries;
         ++retry) {
      ++counters_.read_retries;
      log::debug("read retry", {{"meter", meter_.id}, {"obis", reg.obis.to_string()}, {"error", r.error().message}});
      if (!link_->is_open()) {
        record_diagnosis(r.error(), Step::read);
        std::string why = "read failed, re-associating within the cycle: " + r.error().message;
        co_await reconnect(ReconnectCause::error, why);
        if (stopping_ || breaker_.is_open()) break;
        co_await pause_for(meter_.qos.read_retry_delay);
        if (stopping_) break;
        const bool reopened = co_await open_link(/*scheduled=*/false);
        if (!reopened) break;
      } else {
        co_await pause_for(meter_.qos.read_retry_delay);
      }
      if (stopping_ || !link_) break;
      in_link_op_ = true;
      r = co_await link_->read(reg);
      in_link_op_ = false;
      if (!r) count_link_hdlc_error(r.error());
    }
    if (r) {
      ++counters_.reads_ok;
      watchdogs_.on_read_ok();
      RegisterValue v;
      v.key = reg.key;
      v.obis = reg.obis.to_string();
      v.value = r->value;
      v.raw = r->raw;
      v.scaler = r->scaler;
      v.unit = r->unit;
      out.reading.values.push_back(std::move(v));
      continue;
    }
    const LinkError& e = r.error();
    if (e.cancelled || stopping_) {
      out.cancelled = true;
      break;
    }
    ++counters_.reads_failed;
    if (!out.first_error) out.first_error = e;
    out.failures.push_back(RegisterFailure{reg.key, reg.obis.to_string(), e.reason, e.message});
    if (!link_ || !link_->is_open() || e.fatal) {
      // The association is gone (or no longer trustworthy): the rest of the cycle cannot be read.
      out.link_broken = true;
      for (std::size_t j = i + 1; j < meter_.registers.size(); ++j) {
        const auto& rest = meter_.registers[j];
        out.failures.push_back(RegisterFailure{rest.key, rest.obis.to_string(), e.reason, "not read: " + e.message});
      }
      break;
    }
  }
  co_return out;
}

awaitable<void> MeterSession::cycle() {
  const TimePoint start = Clock::now();
  const auto slot = schedule_.begin(start);
  if (slot.skipped > 0) note_skipped(slot.skipped, "late wake-up");
  if (slot.on_time) ++counters_.on_time_cycles;
  max_lateness_ = std::max(max_lateness_, slot.lateness);
  set_state(MeterState::polling);
  if (!co_await acquire_slot()) co_return;
  auto outcome = co_await read_all();
  release_slot();
  if (outcome.cancelled && stopping_) co_return;
  const TimePoint end = Clock::now();
  finish_cycle(outcome, start, end);
  if (const auto overran = schedule_.finish(end); overran > 0) note_skipped(overran, "cycle overran its slot");
  // GCC 12 coroutines: no temporaries inside a co_await full-expression (they can be destroyed
  // twice), hence the named strings here and below.
  // (A failed re-association inside the cycle already dropped the link: the connect loop and
  // its backoff take over.)
  if (link_ && outcome.reading.values.empty() && !outcome.cancelled) {
    std::string why = "all registers failed";
    if (outcome.first_error) why += ": " + outcome.first_error->message;
    co_await reconnect(ReconnectCause::all_registers_failed, why);
  } else if (link_ && outcome.link_broken) {
    std::string why = "association lost: " + outcome.first_error->message;
    co_await reconnect(ReconnectCause::error, why);
  }
  co_await handle_watchdogs(Clock::now());
}

void MeterSession::finish_cycle(const CycleOutcome& outcome, TimePoint start, TimePoint end) {
  const bool have_reading = !outcome.reading.values.empty();
  const bool complete = have_reading && outcome.failures.empty() && !outcome.first_error;
  // A cycle cancelled before anything was read or failed did not happen (stop, abort).
  const auto duration_ms = std::chrono::duration_cast<Duration>(end - start).count();
  if (complete) {
    count_cycle(CycleResult::ok, std::nullopt, 1, duration_ms);
  } else if (outcome.first_error) {
    count_cycle(have_reading ? CycleResult::partial : CycleResult::failed, outcome.first_error->reason, 1, duration_ms);
  }
  log::debug("session: cycle", {{"meter", meter_.id},
                                {"registers_ok", outcome.reading.values.size()},
                                {"registers_failed", outcome.failures.size()},
                                {"duration_ms", duration_ms}});
  auto* m = meter_metrics(ctx_, meter_.id);
  const double seconds = std::chrono::duration<double>(end - start).count();
  if (m) {
    m->up.Set(have_reading ? 1 : 0);
    m->observe_poll_duration(seconds);
  }
  if (ctx_.metrics) ctx_.metrics->poll_duration_seconds().Observe(seconds);
  if (have_reading) {
    last_success_ms_ = outcome.reading.ts_ms;
    ++counters_.readings;
    if (ctx_.readings) ctx_.readings->on_reading(outcome.reading);
    // readings_published_total belongs to the MQTT exporter: it counts PUBACKs, not hand-overs.
    if (m) m->last_success_timestamp_seconds.Set(static_cast<double>(outcome.reading.ts_ms) / 1000.0);
  }
  watchdogs_.on_cycle(have_reading, end);
  if (have_reading) {
    if (breaker_.record_success(end)) {
      if (m) m->circuit_breaker_open.Set(0);
      emit(Severity::info, "circuit_breaker", "circuit breaker closed: probe cycle succeeded", {}, true);
    }
  } else if (breaker_.record_failure(end)) {
    emit(Severity::warning, "circuit_breaker",
         "circuit breaker probe cycle failed: open again for " + format_ms(breaker_.policy().open_for), {}, true);
  }
  if (outcome.first_error) {
    // An open breaker is the more important news for the operator: keep its diagnosis.
    if (breaker_.state() != BreakerState::open || !diagnosis_) record_diagnosis(*outcome.first_error, Step::read);
    const Diagnosis& d = diagnosis_->diagnosis;
    const std::string what = have_reading ? std::to_string(outcome.failures.size()) + " of " +
                                                std::to_string(meter_.registers.size()) + " registers failed: "
                                          : "poll failed, no register read: ";
    emit(Severity::warning, "polling", what + d.explanation, to_json(d, Step::read));
  }
  publish_status();
}

awaitable<void> MeterSession::keepalive() {
  if (!link_ || meter_.registers.empty()) co_return;
  if (!co_await acquire_slot()) co_return;
  in_link_op_ = true;
  auto r = co_await link_->read(meter_.registers.front());
  in_link_op_ = false;
  release_slot();
  if (!r) count_link_hdlc_error(r.error());
  if (r) {
    ++counters_.keepalives;
    watchdogs_.on_read_ok();
    co_return;
  }
  if (r.error().cancelled || stopping_) co_return;
  record_diagnosis(r.error(), Step::keepalive);
  std::string why = "keep-alive read failed: " + r.error().message;
  co_await reconnect(ReconnectCause::idle, why);
}

awaitable<void> MeterSession::reconnect(ReconnectCause cause, const std::string& why) {
  const TimePoint now = Clock::now();
  ++counters_.reconnects;
  auto* m = meter_metrics(ctx_, meter_.id);
  if (m) m->reconnect(cause).Increment();
  log::warn("reconnecting", {{"meter", meter_.id}, {"cause", labels::to_label(cause)}, {"why", why}});
  if (breaker_.record_reconnect(now)) {
    ++counters_.breaker_trips;
    if (m) {
      m->circuit_breaker_trips_total.Increment();
      m->circuit_breaker_open.Set(1);
    }
    LinkError e;
    e.reason = PollFailure::circuit_open;
    e.message = std::to_string(breaker_.recent_reconnects(now)) + " reconnects within " +
                format_ms(breaker_.policy().window);
    record_diagnosis(e, Step::connect);
    emit(Severity::critical, "circuit_breaker",
         "circuit breaker open: " + e.message + "; no connection attempts for " + format_ms(breaker_.policy().open_for),
         to_json(diagnosis_->diagnosis, Step::connect), true);
  }
  co_await release_link();
  next_connect_at_ = now + meter_.qos.reconnect_settle;
  wait_kind_ = WaitKind::settle;
  wait_since_ = now;
}

awaitable<void> MeterSession::release_link() {
  if (!link_) co_return;
  if (aborted_) {
    link_->cancel();
  } else {
    closing_ = true;
    co_await link_->close();  // DISC within the disconnect timeout, then close the socket
    closing_ = false;
    if (aborted_) link_->cancel();
  }
  link_.reset();
  watchdogs_.on_disconnected();
  if (auto* m = meter_metrics(ctx_, meter_.id)) m->connected.Set(0);
  publish_status();
}

awaitable<void> MeterSession::handle_watchdogs(TimePoint now) {
  const auto trip = watchdogs_.check(now);
  if (!trip) co_return;
  const auto label = watchdog_label(*trip);
  auto* m = meter_metrics(ctx_, meter_.id);
  if (label) {
    ++counters_.watchdog_trips;
    if (m) m->watchdog_trip(*label).Increment();
  }
  const bool connected = link_ && link_->is_open();
  std::string message;
  Severity severity = Severity::warning;
  switch (*trip) {
    case WatchdogTrip::silence:
      severity = Severity::critical;
      message = "watchdog: no successful poll for " + format_ms(watchdogs_.policy().silence) +
                (connected ? ", forcing a reconnect" : ", meter still unreachable");
      break;
    case WatchdogTrip::hdlc_errors:
      severity = Severity::error;
      message = "watchdog: " + std::to_string(watchdogs_.policy().max_hdlc_errors) +
                " HDLC errors in a row, resynchronising (drain and reconnect)";
      break;
    case WatchdogTrip::failed_cycles:
      severity = Severity::error;
      message = "watchdog: " + std::to_string(watchdogs_.policy().max_failed_cycles) +
                " failed cycles in a row, reconnecting";
      break;
    case WatchdogTrip::preventive_age:
      severity = Severity::info;
      message = "preventive reconnect: connection age limit reached";
      break;
    case WatchdogTrip::preventive_reads:
      severity = Severity::info;
      message = "preventive reconnect: read count limit reached";
      break;
  }
  nlohmann::json details = {{"watchdog", to_label(*trip)}};
  if (diagnosis_) {
    details["reason"] = labels::to_label(diagnosis_->diagnosis.reason);
    details["action"] = diagnosis_->diagnosis.action;
  }
  emit(severity, label ? "watchdog" : "connection", message, details.dump());
  // Closing the socket discards whatever is buffered; the next open() drains until quiet
  // (drain_on_connect) before SNRM: that is the resync.
  if (connected) co_await reconnect(reconnect_cause(*trip), message);
}

awaitable<void> MeterSession::run_tests() {
  auto waiting = std::exchange(tests_, {});
  TestResult result;
  result.meter = meter_.id;
  const TimePoint start = Clock::now();
  ++counters_.tests;
  bool ok_link = link_ && link_->is_open();
  if (!ok_link) ok_link = co_await connect(true);
  if (ok_link && !stopping_) {
    set_state(MeterState::polling);
    if (co_await acquire_slot()) {
      auto outcome = co_await read_all();
      release_slot();
      result.reading = outcome.reading;
      result.failures = outcome.failures;
      result.ok = !outcome.reading.values.empty() && outcome.failures.empty() && !outcome.cancelled;
      if (outcome.first_error) {
        record_diagnosis(*outcome.first_error, Step::read);
        result.diagnosis = diagnosis_->diagnosis;
        result.error = outcome.first_error->message;
      }
      if (!outcome.reading.values.empty()) {
        last_success_ms_ = outcome.reading.ts_ms;
        ++counters_.readings;
        if (ctx_.readings) ctx_.readings->on_reading(outcome.reading);
      }
      if (outcome.cancelled) result.error = "cancelled";
      if (outcome.link_broken) {
        std::string why = "association lost during a test cycle";
        co_await reconnect(ReconnectCause::error, why);
      }
    } else {
      result.error = "the meter session is stopping";
    }
  } else {
    result.error = stopping_ ? "the meter session is stopping" : last_error_;
    if (diagnosis_) result.diagnosis = diagnosis_->diagnosis;
  }
  // A paused meter keeps its association released.
  if (paused_) co_await release_link();
  result.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  publish_status();
  for (auto& done : waiting) done(result);
}

awaitable<void> MeterSession::apply_pending_config() {
  auto [meter, connection_changed] = std::move(*pending_config_);
  pending_config_.reset();
  const bool interval_changed = meter.qos.poll_interval != meter_.qos.poll_interval;
  meter_ = std::move(meter);
  backoff_.set_policy(backoff_policy(meter_.qos));
  breaker_.set_policy(breaker_policy(meter_.qos));
  watchdogs_.set_policy(watchdog_policy(meter_.qos));
  if (interval_changed) schedule_.restart(std::max(Clock::now(), schedule_.next()), meter_.qos.poll_interval);
  replan_waits();
  log::info("meter settings reloaded",
            {{"meter", meter_.id}, {"connection_changed", connection_changed}, {"interval_changed", interval_changed}});
  if (connection_changed) {
    credential_index_ = 0;
    backoff_.reset();
    if (link_) {
      std::string why = "connection settings changed";
      co_await reconnect(ReconnectCause::config_reload, why);
      next_connect_at_ = TimePoint{};
      wait_kind_ = WaitKind::none;
    }
  }
  publish_status();
}

// ---------------------------------------------------------------------------------------------
// Bookkeeping

void MeterSession::on_hdlc_error(labels::HdlcError kind, const std::string& frame_hex) {
  ++counters_.hdlc_errors;
  watchdogs_.on_hdlc_error();
  if (auto* m = meter_metrics(ctx_, meter_.id)) m->hdlc_error(kind).Increment();
  if (ctx_.store) {
    store::Diagnostic d;
    d.ts_ms = wall_ms();
    d.meter = meter_.id;
    d.kind = std::string(labels::to_label(kind));
    d.direction = store::FrameDirection::rx;
    d.frame_hex = frame_hex;
    d.message = "HDLC error: " + d.kind;
    ctx_.store->add_diagnostic(std::move(d));
  }
  emit(Severity::warning, "hdlc", "HDLC error: " + std::string(labels::to_label(kind)),
       nlohmann::json{{"kind", labels::to_label(kind)}, {"frame_hex", frame_hex.substr(0, 512)}}.dump());
}

void MeterSession::record_diagnosis(const LinkError& error, Step step) {
  FailureFacts facts;
  facts.reason = error.reason;
  facts.step = step;
  facts.hdlc = error.hdlc;
  facts.diagnostic = error.diagnostic;
  facts.tcp_connected = error.tcp_connected;
  facts.alternatives_configured = !meter_.credential_alternatives.empty();
  facts.host = meter_.host;
  facts.port = meter_.port;
  facts.address = config::address_text(meter_);
  facts.detail = error.message;
  Diagnosis d = diagnose(facts);
  const std::int64_t now_ms = wall_ms();
  if (diagnosis_ && diagnosis_->diagnosis.symptom == d.symptom) {
    diagnosis_->diagnosis = std::move(d);
    diagnosis_->step = step;
    diagnosis_->last_ts_ms = now_ms;
    ++diagnosis_->count;
  } else {
    diagnosis_ = DiagnosisRecord{std::move(d), step, now_ms, now_ms, 1};
  }
  if (auto* m = meter_metrics(ctx_, meter_.id)) m->set_symptom(diagnosis_->diagnosis.symptom);
  // "<reason>: <message>", without doubling a reason the transport's text already starts with
  // ("timeout: no UA to SNRM within 7s").
  const std::string reason = std::string(labels::to_label(error.reason)) + ": ";
  last_error_ = error.message.rfind(reason, 0) == 0 ? error.message : reason + error.message;
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
  count_cycle(CycleResult::failed, PollFailure::circuit_open, static_cast<std::uint64_t>(slots));
  publish_status();
}

void MeterSession::count_cycle(CycleResult result, std::optional<PollFailure> reason, std::uint64_t slots,
                               std::int64_t duration_ms) {
  if (slots == 0) return;
  auto* m = meter_metrics(ctx_, meter_.id);
  counters_.cycles += slots;
  if (m) m->polls_total.Increment(static_cast<double>(slots));
  if (result == CycleResult::ok) {
    counters_.cycles_ok += slots;
    if (m) m->set_symptom(metrics::kNoSymptom);
  } else {
    count_failure(result, reason, slots);
  }
  // The status page's history sees exactly the cycles /metrics and the API count.
  if (ctx_.cycles) {
    ctx_.cycles->on_cycle({.meter = meter_.id,
                           .ts_ms = wall_ms(),
                           .ok = result == CycleResult::ok,
                           .reading = result != CycleResult::failed,
                           .duration_ms = duration_ms,
                           .slots = slots,
                           .counters = &counters_});
  }
}

void MeterSession::count_failure(CycleResult result, std::optional<PollFailure> reason, std::uint64_t slots) {
  auto* m = meter_metrics(ctx_, meter_.id);
  const PollFailure why = reason.value_or(PollFailure::timeout);
  counters_.cycles_failed += slots;
  if (result == CycleResult::partial) counters_.cycles_partial += slots;
  if (why == PollFailure::circuit_open) counters_.breaker_skipped += slots;
  const auto index = static_cast<std::size_t>(why);
  if (index < counters_.failures.size()) counters_.failures[index] += slots;
  if (m) m->poll_failure(why).Increment(static_cast<double>(slots));
}

void MeterSession::count_link_hdlc_error(const LinkError& error) {
  if (error.cancelled || !error.hdlc) return;
  ++counters_.hdlc_errors;
  if (auto* m = meter_metrics(ctx_, meter_.id)) m->hdlc_error(*error.hdlc).Increment();
}

void MeterSession::replan_waits() {
  const TimePoint now = Clock::now();
  if (next_connect_at_ <= now || wait_kind_ == WaitKind::none) return;
  Duration limit = Duration::max();
  switch (wait_kind_) {
    case WaitKind::none: return;
    case WaitKind::backoff: limit = backoff_.longest_delay(backoff_.failures()); break;
    case WaitKind::refusal:
      limit = std::max(backoff_.longest_delay(backoff_.failures()), Duration{meter_.qos.inter_attempt_wait});
      break;
    case WaitKind::settle: limit = meter_.qos.reconnect_settle; break;
  }
  const TimePoint replanned = shorten_wait(wait_since_, next_connect_at_, limit);
  if (replanned == next_connect_at_) return;
  log::info("pending wait shortened by the reload",
            {{"meter", meter_.id},
             {"was_in_ms", std::chrono::duration_cast<Duration>(next_connect_at_ - now).count()},
             {"now_in_ms", std::chrono::duration_cast<Duration>(std::max(replanned, now) - now).count()}});
  next_connect_at_ = replanned;
}

void MeterSession::note_skipped(std::uint64_t slots, std::string_view why) {
  counters_.skipped_slots += slots;
  log::warn("poll slot skipped", {{"meter", meter_.id}, {"slots", slots}, {"why", why},
                                  {"interval_ms", schedule_.interval().count()}});
}

TimePoint MeterSession::keepalive_due() const {
  if (!meter_.qos.keepalive_idle || meter_.qos.keepalive_idle->count() <= 0 || !link_) return TimePoint::max();
  return link_->last_activity() + *meter_.qos.keepalive_idle;
}

void MeterSession::set_state(MeterState s) {
  if (state_ == s) return;
  state_ = s;
  // Polling <-> idle flips every cycle: only other transitions refresh the snapshot here.
  if (s != MeterState::polling && s != MeterState::idle) publish_status();
}

void MeterSession::emit(Severity severity, std::string category, std::string message, std::string details,
                        bool always) {
  Event e;
  e.meter = meter_.id;
  e.severity = severity;
  e.category = std::move(category);
  e.message = std::move(message);
  e.details = std::move(details);
  ctx_.emit(std::move(e), always);
}

MeterStatus MeterSession::status() const {
  MeterStatus s;
  s.id = meter_.id;
  s.host = meter_.host;
  s.port = meter_.port;
  s.state = state_;
  s.connected = link_ && link_->is_open();
  s.paused = paused_;
  s.breaker = breaker_.state();
  if (breaker_.state() != BreakerState::closed) s.breaker_open_until_ms = to_wall_ms(breaker_.open_until());
  s.last_success_ms = last_success_ms_;
  s.last_attempt_ms = last_attempt_ms_;
  s.next_poll_ms = (s.connected && !paused_) ? to_wall_ms(schedule_.next()) : 0;
  s.last_error = last_error_;
  s.diagnosis = diagnosis_;
  s.client_sap = client_sap_;
  s.consecutive_failures = backoff_.failures();
  s.interval_ms = schedule_.interval().count();
  s.max_lateness_ms = max_lateness_.count();
  s.counters = counters_;
  s.counters.skipped_slots = schedule_.skipped();
  return s;
}

void MeterSession::publish_status() {
  MeterStatus s = status();
  if (ctx_.store) {
    // The inventory row follows state changes and new successes, at most once a minute for the
    // latter (1000 meters at 1 s would otherwise be 1000 writes/s for nothing).
    const std::int64_t now = wall_ms();
    const bool state_changed = s.state != written_state_;
    const bool new_success = s.last_success_ms > written_success_ms_;
    if (state_changed || (new_success && now - last_status_write_ms_ >= 60000) ||
        s.last_error != written_error_) {
      store::MeterStatusUpdate u;
      u.meter = s.id;
      u.status = std::string(to_label(s.state));
      u.last_error = s.last_error;
      u.success = new_success;
      u.ts_ms = new_success ? s.last_success_ms : now;
      ctx_.store->update_status(std::move(u));
      last_status_write_ms_ = now;
      written_state_ = s.state;
      written_success_ms_ = s.last_success_ms;
      written_error_ = s.last_error;
    }
  }
  ctx_.publish(s);
}

}  // namespace bridge::poller
