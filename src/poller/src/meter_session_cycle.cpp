// MeterSession, part 2: the read cycle. Every register in turn (one retry each, re-associating
// inside the cycle when a failure broke the association), then the outcome counted and reported
// once; the keep-alive read between cycles; the manual test cycle. Per-cycle work beyond the
// registers (a clock check, a profile read) belongs in cycle(), after read_all(), on the same
// association and inside the same concurrency slot.
#include "bridge/poller/meter_session.h"

#include "bridge/human_duration.h"
#include "bridge/log.h"

namespace bridge::poller {

using labels::ReconnectCause;

awaitable<MeterSession::CycleOutcome> MeterSession::read_all() {
  // `reg` below refers into the entry across co_awaits: a reload may rebind meter_ meanwhile.
  const std::shared_ptr<const config::MeterConfig> meter = meter_;
  CycleOutcome out;
  out.reading.meter = meter->id;
  out.reading.device_name = meter->device_name.empty() ? meter->id : meter->device_name;
  out.reading.ts_ms = wall_ms();
  for (std::size_t i = 0; i < meter->registers.size(); ++i) {
    const auto& reg = meter->registers[i];
    if (stopping_ || !connection_) {
      out.cancelled = true;
      break;
    }
    apply_request_timeout();
    in_connection_op_ = true;
    auto r = co_await connection_->read(reg);
    in_connection_op_ = false;
    if (!r) request_failed(r.error());
    // Per-read retry (read_retries, default 1, after read_retry_delay). When the failure broke
    // the association (timeout, framing, closed), the retry re-associates first, inside the
    // cycle, so one bad frame costs a reconnect but not the reading.
    for (std::uint32_t retry = 0; !r && !r.error().cancelled && !stopping_ && retry < meter->qos.read_retries;
         ++retry) {
      ++report_.counters().read_retries;
      log::debug("read retry", {{"meter", meter->id}, {"obis", reg.obis.to_string()}, {"error", r.error().message}});
      if (!connection_->is_open()) {
        report_.diagnose(r.error(), Step::read, *meter);
        std::string why = "read failed, re-associating within the cycle: " + r.error().message;
        co_await reconnect(ReconnectCause::error, why);
        if (stopping_ || breaker_.is_open()) break;
        co_await pause_for(meter->qos.read_retry_delay);
        if (stopping_) break;
        const bool reopened = co_await open_connection(/*scheduled=*/false);
        if (!reopened) break;
      } else {
        co_await pause_for(meter->qos.read_retry_delay);
      }
      if (stopping_ || !connection_) break;
      apply_request_timeout();
      in_connection_op_ = true;
      r = co_await connection_->read(reg);
      in_connection_op_ = false;
      if (!r) request_failed(r.error());
    }
    if (r) {
      ++report_.counters().reads_ok;
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
    const ConnectionError& e = r.error();
    if (e.cancelled || stopping_) {
      out.cancelled = true;
      break;
    }
    ++report_.counters().reads_failed;
    if (!out.first_error) out.first_error = e;
    out.failures.push_back(RegisterFailure{reg.key, reg.obis.to_string(), e.reason, e.message});
    if (!connection_ || !connection_->is_open() || e.fatal) {
      // The association is gone (or no longer trustworthy): the rest of the cycle cannot be read.
      out.link_broken = true;
      for (std::size_t j = i + 1; j < meter->registers.size(); ++j) {
        const auto& rest = meter->registers[j];
        out.failures.push_back(RegisterFailure{rest.key, rest.obis.to_string(), e.reason, "not read: " + e.message});
      }
      break;
    }
  }
  co_return out;
}

awaitable<void> MeterSession::cycle() {
  const TimePoint start = Clock::now();
  set_state(MeterState::polling);
  if (!co_await acquire_slot()) co_return;
  // The slot is judged when the cycle can read: a wait for a concurrency slot is lateness.
  const auto slot = schedule_.begin(Clock::now());
  if (slot.skipped > 0) report_.skipped(slot.skipped, "late wake-up", schedule_.interval());
  if (slot.on_time) ++report_.counters().on_time_cycles;
  max_lateness_ = std::max(max_lateness_, slot.lateness);
  report_slots(slot.owed ? std::optional<Duration>(slot.lateness) : std::nullopt);
  auto outcome = co_await read_all();
  // Further per-cycle work (a clock check, a profile read) goes here: same association, same
  // concurrency slot, its failures reported through report_ like the registers'.
  const bool clock_due = clock_.due() && !outcome.cancelled && connection_ && connection_->is_open();
  if (clock_due) co_await check_clock();
  if (!outcome.cancelled) clock_.on_cycle(clock_due);
  release_slot();
  if (outcome.cancelled && stopping_) co_return;
  const TimePoint end = Clock::now();
  // The slots it overran are counted before finish_cycle() publishes the status snapshot.
  if (const auto overran = schedule_.finish(end); overran > 0) {
    report_.skipped(overran, "cycle overran its slot", schedule_.interval());
  }
  report_slots(std::nullopt);
  finish_cycle(outcome, start, end);
  // GCC 12 coroutines: no temporaries inside a co_await full-expression (they can be destroyed
  // twice), hence the named strings here and below.
  // (A failed re-association inside the cycle already dropped the connection: the connect loop and
  // its backoff take over.)
  if (connection_ && outcome.reading.values.empty() && !outcome.cancelled) {
    std::string why = "all registers failed";
    if (outcome.first_error) why += ": " + outcome.first_error->message;
    co_await reconnect(ReconnectCause::all_registers_failed, why);
  } else if (connection_ && outcome.link_broken) {
    std::string why = "association lost: " + outcome.first_error->message;
    co_await reconnect(ReconnectCause::error, why);
  }
  co_await handle_watchdogs(Clock::now());
  co_await return_to_primary_if_due(Clock::now());
}

void MeterSession::finish_cycle(const CycleOutcome& outcome, TimePoint start, TimePoint end) {
  const bool have_reading = !outcome.reading.values.empty();
  const bool complete = have_reading && outcome.failures.empty() && !outcome.first_error;
  // A cycle cancelled before anything was read or failed did not happen (stop, abort).
  const auto duration_ms = std::chrono::duration_cast<Duration>(end - start).count();
  if (complete) {
    report_.cycle(CycleResult::ok, std::nullopt, 1, duration_ms);
  } else if (outcome.first_error) {
    report_.cycle(have_reading ? CycleResult::partial : CycleResult::failed, outcome.first_error->reason, 1,
                  duration_ms);
  }
  log::debug("session: cycle", {{"meter", meter_->id},
                                {"registers_ok", outcome.reading.values.size()},
                                {"registers_failed", outcome.failures.size()},
                                {"duration_ms", duration_ms}});
  report_.read_cycle(std::chrono::duration<double>(end - start).count(), outcome.reading);
  if (have_reading) {
    last_success_ms_ = outcome.reading.ts_ms;
    if (ctx_.readings) ctx_.readings->on_reading(outcome.reading);
  }
  watchdogs_.on_cycle(have_reading, end);
  if (have_reading) {
    if (breaker_.record_success(end)) {
      report_.breaker_closed();
      report_.event(Severity::info, "circuit_breaker", "circuit breaker closed: probe cycle succeeded", {}, true);
    }
  } else if (breaker_.record_failure(end)) {
    report_.event(Severity::warning, "circuit_breaker",
                  "circuit breaker probe cycle failed: open again for " + human_duration(breaker_.policy().open_for),
                  {}, true);
  }
  if (outcome.first_error) {
    // An open breaker is the more important news for the operator: keep its diagnosis.
    if (breaker_.state() != BreakerState::open || !report_.diagnosis()) {
      report_.diagnose(*outcome.first_error, Step::read, *meter_);
    }
    const Diagnosis& d = report_.diagnosis()->diagnosis;
    const std::string what = have_reading ? std::to_string(outcome.failures.size()) + " of " +
                                                std::to_string(meter_->registers.size()) + " registers failed: "
                                          : "poll failed, no register read: ";
    report_.event(Severity::warning, "polling", what + d.explanation, to_json(d, Step::read));
  }
  publish_status();
}

awaitable<void> MeterSession::keepalive() {
  if (!connection_ || meter_->registers.empty()) co_return;
  const std::shared_ptr<const config::MeterConfig> meter = meter_;  // the register read below outlives a rebind
  if (!co_await acquire_slot()) co_return;
  apply_request_timeout();
  in_connection_op_ = true;
  auto r = co_await connection_->read(meter->registers.front());
  in_connection_op_ = false;
  release_slot();
  if (!r) request_failed(r.error());
  if (r) {
    ++report_.counters().keepalives;
    watchdogs_.on_read_ok();
    co_return;
  }
  if (r.error().cancelled || stopping_) co_return;
  report_.diagnose(r.error(), Step::keepalive, *meter_);
  std::string why = "keep-alive read failed: " + r.error().message;
  co_await reconnect(ReconnectCause::idle, why);
}

awaitable<void> MeterSession::run_tests() {
  auto waiting = std::exchange(tests_, {});
  TestResult result;
  result.meter = meter_->id;
  const TimePoint start = Clock::now();
  ++report_.counters().tests;
  bool ok_link = connection_ && connection_->is_open();
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
        result.diagnosis = report_.diagnose(*outcome.first_error, Step::read, *meter_);
        result.error = outcome.first_error->message;
      }
      if (!outcome.reading.values.empty()) {
        last_success_ms_ = outcome.reading.ts_ms;
        ++report_.counters().readings;
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
    result.error = stopping_ ? "the meter session is stopping" : report_.last_error();
    if (const auto& diagnosis = report_.diagnosis()) result.diagnosis = diagnosis->diagnosis;
  }
  // A paused meter keeps its association released.
  if (paused_) co_await release_connection();
  result.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  publish_status();
  for (auto& done : waiting) done(result);
}

}  // namespace bridge::poller
