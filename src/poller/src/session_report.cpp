#include "bridge/poller/session_report.h"

#include "bridge/config/address_text.h"
#include "bridge/log.h"
#include "bridge/wall_clock.h"

#include <nlohmann/json.hpp>

namespace bridge::poller {

using labels::PollFailure;

void SessionReport::cycle(CycleResult result, std::optional<PollFailure> reason, std::uint64_t slots,
                          std::int64_t duration_ms) {
  if (slots == 0) return;
  counters_.cycles += slots;
  std::optional<PollFailure> failure;
  if (result == CycleResult::ok) {
    counters_.cycles_ok += slots;
  } else {
    failure = reason.value_or(PollFailure::timeout);
    counters_.cycles_failed += slots;
    if (result == CycleResult::partial) counters_.cycles_partial += slots;
    if (*failure == PollFailure::circuit_open) counters_.breaker_skipped += slots;
    const auto index = static_cast<std::size_t>(*failure);
    if (index < counters_.failures.size()) counters_.failures[index] += slots;
  }
  // The status page's history sees exactly the cycles /metrics and the API count.
  ctx_.observers.on_cycle({.meter = meter_,
                           .ts_ms = wall_ms(),
                           .ok = result == CycleResult::ok,
                           .reading = result != CycleResult::failed,
                           .duration_ms = duration_ms,
                           .slots = slots,
                           .failure = failure,
                           .counters = &counters_});
}

void SessionReport::read_cycle(double seconds, const Reading& reading) {
  const bool have_reading = !reading.values.empty();
  if (have_reading) ++counters_.readings;
  ctx_.observers.on_read_cycle(
      {.meter = meter_, .seconds = seconds, .reading = have_reading, .reading_ts_ms = have_reading ? reading.ts_ms : 0});
}

void SessionReport::connect_failed(bool scheduled) {
  ++counters_.connect_failures;
  ctx_.observers.on_connect_failed(meter_, scheduled);
}

void SessionReport::reconnect(labels::ReconnectCause cause) {
  ++counters_.reconnects;
  ctx_.observers.on_reconnect(meter_, cause);
}

void SessionReport::breaker_tripped() {
  ++counters_.breaker_trips;
  ctx_.observers.on_breaker_tripped(meter_);
}

void SessionReport::watchdog(WatchdogTrip trip) {
  const auto label = watchdog_label(trip);
  if (!label) return;  // preventive reconnects are not watchdogs
  ++counters_.watchdog_trips;
  ctx_.observers.on_watchdog(meter_, *label);
}

void SessionReport::hdlc_error(labels::HdlcError kind, const std::string& frame_hex) {
  ++counters_.hdlc_errors;
  ctx_.observers.on_hdlc_error(meter_, kind, &frame_hex);
  event(Severity::warning, "hdlc", "HDLC error: " + std::string(labels::to_label(kind)),
        nlohmann::json{{"kind", labels::to_label(kind)}, {"frame_hex", frame_hex.substr(0, 512)}}.dump());
}

void SessionReport::request_failed(const ConnectionError& error) {
  if (error.cancelled || !error.hdlc) return;
  ++counters_.hdlc_errors;
  ctx_.observers.on_hdlc_error(meter_, *error.hdlc, nullptr);
}

void SessionReport::clock_checked(std::optional<double> offset_s) {
  ++counters_.clock_checks;
  ctx_.observers.on_clock_checked(meter_, offset_s);
}

void SessionReport::clock_synced() {
  ++counters_.clock_syncs;
  ctx_.observers.on_clock_synced(meter_);
}

void SessionReport::protocol_warning(const std::string& warning) {
  ++counters_.protocol_warnings;
  ctx_.observers.on_protocol_warning(meter_, warning);
  event(Severity::warning, "protocol", "protocol warning (tolerated): " + warning,
        nlohmann::json{{"warning", warning}}.dump());
}

void SessionReport::garbage(std::uint64_t bytes) {
  counters_.garbage_bytes += bytes;
  ctx_.observers.on_garbage(meter_, bytes);
}

void SessionReport::skipped(std::uint64_t slots, std::string_view why, Duration interval) {
  counters_.skipped_slots += slots;
  log::warn("poll slot skipped",
            {{"meter", meter_}, {"slots", slots}, {"why", why}, {"interval_ms", interval.count()}});
}

void SessionReport::slots(std::uint64_t due, std::uint64_t missed, std::optional<Duration> start_lateness) {
  if (due == 0 && missed == 0 && !start_lateness) return;
  counters_.slots_due += due;
  counters_.slots_missed += missed;
  ctx_.observers.on_slots({.meter = meter_, .due = due, .missed = missed, .start_lateness = start_lateness});
}

const Diagnosis& SessionReport::diagnose(const ConnectionError& error, Step step, const config::MeterConfig& meter) {
  FailureFacts facts;
  facts.reason = error.reason;
  facts.step = step;
  facts.hdlc = error.hdlc;
  facts.diagnostic = error.diagnostic;
  facts.tcp_connected = error.tcp_connected;
  facts.alternatives_configured = !meter.credential_alternatives.empty();
  facts.host = meter.host;
  facts.port = meter.port;
  facts.address = config::address_text(meter);
  facts.detail = error.message;
  Diagnosis d = poller::diagnose(facts);
  const std::int64_t now_ms = wall_ms();
  if (diagnosis_ && diagnosis_->diagnosis.symptom == d.symptom) {
    diagnosis_->diagnosis = std::move(d);
    diagnosis_->step = step;
    diagnosis_->last_ts_ms = now_ms;
    ++diagnosis_->count;
  } else {
    diagnosis_ = DiagnosisRecord{std::move(d), step, now_ms, now_ms, 1};
  }
  ctx_.observers.on_diagnosis(meter_, *diagnosis_);
  // "<reason>: <message>", without doubling a reason the transport's text already starts with
  // ("timeout: no UA to SNRM within 7s").
  const std::string reason = std::string(labels::to_label(error.reason)) + ": ";
  last_error_ = error.message.rfind(reason, 0) == 0 ? error.message : reason + error.message;
  return diagnosis_->diagnosis;
}

void SessionReport::event(Severity severity, std::string category, std::string message, std::string details,
                          bool always) {
  Event e;
  e.meter = meter_;
  e.severity = severity;
  e.category = std::move(category);
  e.message = std::move(message);
  e.details = std::move(details);
  ctx_.emit(std::move(e), always);
}

}  // namespace bridge::poller
