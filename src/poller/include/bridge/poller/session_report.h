#pragma once
// One MeterSession's scorekeeping: its counters (the status snapshot's figures), its latest
// failure diagnosis, and what it tells the observers and the event log. The session's script
// (meter_session.cpp) says what happened in one call; this class keeps the two views
// (MeterCounters and the observers: /metrics, history, store) counting the same things.
// io_context thread only, like the session.
#include <cstdint>
#include <optional>
#include <string>

#include "bridge/config/config.h"
#include "bridge/poller/diagnosis.h"
#include "bridge/poller/meter_connection.h"
#include "bridge/poller/session_context.h"
#include "bridge/poller/status.h"
#include "bridge/poller/watchdogs.h"

namespace bridge::poller {

enum class CycleResult { ok, partial, failed };

class SessionReport {
 public:
  // Keeps its own copy of the id: the session's MeterConfig is shared with the loaded config and
  // replaced on reload.
  SessionReport(SessionContext& ctx, std::string meter) : ctx_(ctx), meter_(std::move(meter)) {}

  // The one place where cycles are counted, for the status snapshot and the observers alike.
  // `duration_ms`: the read cycle's duration (-1: none ran, e.g. a failed connect).
  void cycle(CycleResult result, std::optional<labels::PollFailure> reason, std::uint64_t slots = 1,
             std::int64_t duration_ms = -1);
  // A read cycle that ran (meter up, poll duration, last success).
  void read_cycle(double seconds, const Reading& reading);
  void connected(bool connected) { ctx_.observers.on_connected(meter_, connected); }
  void connect_failed(bool scheduled);
  void paused(bool paused) { ctx_.observers.on_paused(meter_, paused); }
  void reconnect(labels::ReconnectCause cause);
  void breaker_tripped();
  void breaker_closed() { ctx_.observers.on_breaker_closed(meter_); }
  void watchdog(WatchdogTrip trip);
  // An HDLC error the codec reported as it happened (with the frame), even one it recovered from.
  void hdlc_error(labels::HdlcError kind, const std::string& frame_hex);
  // HDLC failures that end a request (timeout, FRMR, DM, sequence ...) arrive as the ConnectionError's
  // `hdlc` kind, not through the codec's report: counted here.
  void request_failed(const ConnectionError& error);
  void skipped(std::uint64_t slots, std::string_view why, Duration interval);
  // Schedule accounting: owed slots that came due, slots found missed, a scheduled cycle's start
  // lateness (see SlotRecord).
  void slots(std::uint64_t due, std::uint64_t missed, std::optional<Duration> start_lateness);

  // Meter clock, endpoint, deadline and tolerated anomalies (meter_session_extras.cpp uses them).
  void clock_checked(std::optional<double> offset_s);
  void clock_synced();
  // The clock is no longer checked (clock = "off" after a reload): its offset is unknown.
  void clock_unknown() { ctx_.observers.on_clock_checked(meter_, std::nullopt); }
  void endpoint(std::size_t index) { ctx_.observers.on_endpoint(meter_, index); }
  void request_timeout(Duration timeout) { ctx_.observers.on_request_timeout(meter_, timeout); }
  void protocol_warning(const std::string& warning);
  // HDLC bytes skipped outside frames: counted, no event (one per chunk would flood the log;
  // the counter's rate is what tells a noisy line).
  void garbage(std::uint64_t bytes);

  // Diagnoses the failure, keeps it (counting repeats of one symptom) and tells the observers.
  const Diagnosis& diagnose(const ConnectionError& error, Step step, const config::MeterConfig& meter);
  const std::optional<DiagnosisRecord>& diagnosis() const { return diagnosis_; }
  const std::string& meter() const { return meter_; }
  // "<reason>: <message>" of the last diagnosed failure ("" = none yet).
  const std::string& last_error() const { return last_error_; }

  // An operator event (throttled per meter and category unless `always`).
  void event(Severity severity, std::string category, std::string message, std::string details = {},
             bool always = false);

  MeterCounters& counters() { return counters_; }
  const MeterCounters& counters() const { return counters_; }

 private:
  SessionContext& ctx_;
  std::string meter_;
  MeterCounters counters_;
  std::optional<DiagnosisRecord> diagnosis_;
  std::string last_error_;
};

}  // namespace bridge::poller
