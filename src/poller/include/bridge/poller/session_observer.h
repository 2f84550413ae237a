#pragma once
// What a MeterSession reports, for whoever keeps score: the Prometheus series
// (exporters/prometheus: prometheus::PollerMetricsObserver), the store's inventory rows, events and
// frame diagnostics (StoreRecorder), the status page's history (status::FleetHistory). The
// session only tells what happened; each observer decides what to keep, so the poller depends
// on no exporter.
//
// Every hook has an empty default: an observer overrides what it keeps. All hooks run on the
// io_context thread, right after the session changed its state; implementations must be cheap
// and must not block or call back into the session.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/event.h"
#include "bridge/labels.h"
#include "bridge/poller/clock.h"
#include "bridge/poller/status.h"

namespace bridge::poller {

// One counted cycle (see MeterCounters for what counts): a read cycle that ran, a failed
// connection attempt (it stands in for the cycle it was made for), or a batch of slots the open
// circuit breaker skipped.
struct CycleRecord {
  std::string_view meter;
  std::int64_t ts_ms = 0;          // UTC ms when the cycle ended
  bool ok = false;                 // every register read
  bool reading = false;            // a reading was made (complete or partial)
  std::int64_t duration_ms = -1;   // the read cycle's duration; -1 when none ran (connect failed, breaker open)
  std::uint64_t slots = 1;         // poll slots this record stands for (breaker skips come in batches)
  std::optional<labels::PollFailure> failure = std::nullopt;  // the failed cycle's reason (first error); nullopt when ok
  const MeterCounters* counters = nullptr;  // the session's cumulative counters after this cycle
};

// A read cycle that ran (counted or not: a cycle cancelled before any result is not a cycle).
struct ReadCycleRecord {
  std::string_view meter;
  double seconds = 0;              // from the slot's start to the last register's answer
  bool reading = false;            // at least one register read
  std::int64_t reading_ts_ms = 0;  // the reading's read time (UTC ms) when `reading`
};

// Schedule accounting (dlms_bridge_meter_poll_slots_{due,missed}_total, the fleet's start
// lateness histogram): slots the meter owed that came due since the last record, how many slots
// were found missed (of these or of earlier ones), and, when a scheduled cycle started for an
// owed slot, how late it started.
struct SlotRecord {
  std::string_view meter;
  std::uint64_t due = 0;
  std::uint64_t missed = 0;
  std::optional<Duration> start_lateness = std::nullopt;
};

class SessionObserver {
 public:
  virtual ~SessionObserver() = default;

  // A session was created for the meter (again, after a reload that re-added it) / the meter
  // left the fleet and its last session ended.
  virtual void on_meter_added(std::string_view /*meter*/, bool /*paused*/) {}
  virtual void on_meter_removed(std::string_view /*meter*/) {}
  virtual void on_paused(std::string_view /*meter*/, bool /*paused*/) {}

  // An association opened (true) or was released or lost (false).
  virtual void on_connected(std::string_view /*meter*/, bool /*connected*/) {}
  // A connection attempt failed; `scheduled`: it stood in for a poll cycle (not a manual test,
  // nor the re-association inside a cycle), so the meter counts as down.
  virtual void on_connect_failed(std::string_view /*meter*/, bool /*scheduled*/) {}

  virtual void on_cycle(const CycleRecord& /*record*/) {}
  virtual void on_read_cycle(const ReadCycleRecord& /*record*/) {}
  virtual void on_slots(const SlotRecord& /*record*/) {}

  // An established association torn down to be re-established.
  virtual void on_reconnect(std::string_view /*meter*/, labels::ReconnectCause /*cause*/) {}
  // The circuit breaker opened on a reconnect storm / closed after a successful probe cycle.
  virtual void on_breaker_tripped(std::string_view /*meter*/) {}
  virtual void on_breaker_closed(std::string_view /*meter*/) {}
  virtual void on_watchdog(std::string_view /*meter*/, labels::Watchdog /*watchdog*/) {}
  // One HDLC error. `frame_hex`: the offending frame when the codec reported it as it happened
  // (nullptr when it arrived as the error that ended a request).
  virtual void on_hdlc_error(std::string_view /*meter*/, labels::HdlcError /*kind*/,
                             const std::string* /*frame_hex*/) {}
  // HDLC bytes outside any frame that the decoder skipped (tolerated: the frames were read).
  virtual void on_garbage(std::string_view /*meter*/, std::uint64_t /*bytes*/) {}
  // The meter's latest failure diagnosis (after every diagnosed failure).
  virtual void on_diagnosis(std::string_view /*meter*/, const DiagnosisRecord& /*record*/) {}

  // The meter's clock was read: its offset in seconds (meter minus bridge), nullopt when the
  // reading gave none (invalid, incomplete, no deviation) or the clock is no longer checked.
  virtual void on_clock_checked(std::string_view /*meter*/, std::optional<double> /*offset_s*/) {}
  // The meter accepted a SET of its clock.
  virtual void on_clock_synced(std::string_view /*meter*/) {}
  // The session uses endpoint `index` (0 = the meter's host:port, i = its endpoints[i - 1]).
  virtual void on_endpoint(std::string_view /*meter*/, std::size_t /*index*/) {}
  // The deadline of the meter's following request steps (fixed, or request_timeout = "auto").
  virtual void on_request_timeout(std::string_view /*meter*/, Duration /*timeout*/) {}
  // A protocol anomaly tolerated without failing the read ("3 byte(s) after the complete value ...").
  virtual void on_protocol_warning(std::string_view /*meter*/, const std::string& /*warning*/) {}

  // An operator event that passed the throttle; `repeat_count`: similar events it stood for.
  virtual void on_event(const Event& /*event*/, std::int64_t /*repeat_count*/) {}
  // The session's status snapshot changed (state, success, error ...).
  virtual void on_status(const MeterStatus& /*status*/) {}
};

// Several observers as one, in the order added.
class SessionObservers final : public SessionObserver {
 public:
  void add(SessionObserver* observer) {
    if (observer) observers_.push_back(observer);
  }
  bool empty() const { return observers_.empty(); }

  void on_meter_added(std::string_view meter, bool paused) override {
    for (auto* o : observers_) o->on_meter_added(meter, paused);
  }
  void on_meter_removed(std::string_view meter) override {
    for (auto* o : observers_) o->on_meter_removed(meter);
  }
  void on_paused(std::string_view meter, bool paused) override {
    for (auto* o : observers_) o->on_paused(meter, paused);
  }
  void on_connected(std::string_view meter, bool connected) override {
    for (auto* o : observers_) o->on_connected(meter, connected);
  }
  void on_connect_failed(std::string_view meter, bool scheduled) override {
    for (auto* o : observers_) o->on_connect_failed(meter, scheduled);
  }
  void on_cycle(const CycleRecord& record) override {
    for (auto* o : observers_) o->on_cycle(record);
  }
  void on_read_cycle(const ReadCycleRecord& record) override {
    for (auto* o : observers_) o->on_read_cycle(record);
  }
  void on_slots(const SlotRecord& record) override {
    for (auto* o : observers_) o->on_slots(record);
  }
  void on_reconnect(std::string_view meter, labels::ReconnectCause cause) override {
    for (auto* o : observers_) o->on_reconnect(meter, cause);
  }
  void on_breaker_tripped(std::string_view meter) override {
    for (auto* o : observers_) o->on_breaker_tripped(meter);
  }
  void on_breaker_closed(std::string_view meter) override {
    for (auto* o : observers_) o->on_breaker_closed(meter);
  }
  void on_watchdog(std::string_view meter, labels::Watchdog watchdog) override {
    for (auto* o : observers_) o->on_watchdog(meter, watchdog);
  }
  void on_hdlc_error(std::string_view meter, labels::HdlcError kind, const std::string* frame_hex) override {
    for (auto* o : observers_) o->on_hdlc_error(meter, kind, frame_hex);
  }
  void on_garbage(std::string_view meter, std::uint64_t bytes) override {
    for (auto* o : observers_) o->on_garbage(meter, bytes);
  }
  void on_diagnosis(std::string_view meter, const DiagnosisRecord& record) override {
    for (auto* o : observers_) o->on_diagnosis(meter, record);
  }
  void on_clock_checked(std::string_view meter, std::optional<double> offset_s) override {
    for (auto* o : observers_) o->on_clock_checked(meter, offset_s);
  }
  void on_clock_synced(std::string_view meter) override {
    for (auto* o : observers_) o->on_clock_synced(meter);
  }
  void on_endpoint(std::string_view meter, std::size_t index) override {
    for (auto* o : observers_) o->on_endpoint(meter, index);
  }
  void on_request_timeout(std::string_view meter, Duration timeout) override {
    for (auto* o : observers_) o->on_request_timeout(meter, timeout);
  }
  void on_protocol_warning(std::string_view meter, const std::string& warning) override {
    for (auto* o : observers_) o->on_protocol_warning(meter, warning);
  }
  void on_event(const Event& event, std::int64_t repeat_count) override {
    for (auto* o : observers_) o->on_event(event, repeat_count);
  }
  void on_status(const MeterStatus& status) override {
    for (auto* o : observers_) o->on_status(status);
  }

 private:
  std::vector<SessionObserver*> observers_;
};

}  // namespace bridge::poller
