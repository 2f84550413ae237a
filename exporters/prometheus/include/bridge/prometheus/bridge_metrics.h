#pragma once
// The bridge's own QoS metrics (docs/contract.md). Fleet-wide families live in a
// prometheus-cpp Registry; per-meter series are ::prometheus::Counter/Gauge objects owned here
// and written by collect() straight into exposition text (10,000 meters x 45 series would take
// over a second through Family::Collect + TextSerializer; see bench/results/scrape.md).
//
// Thread model: increments/sets on the returned references are lock-free (prometheus-cpp
// atomics) and may happen on any thread. add_meter/remove_meter/meter and collect() take an
// internal lock. A Meter reference stays valid until remove_meter(id) for that id.
#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "bridge/labels.h"
#include "bridge/prometheus/collector.h"

namespace bridge::prometheus {

// Labels of dlms_bridge_build_info.
struct BuildInfo {
  std::string version;
  std::string revision;
  std::string branch;
  // From bridge/version.h (configure-time values).
  static BuildInfo current();
};

// Buckets of dlms_bridge_poll_duration_seconds: 50 ms ... 30 s.
inline constexpr std::array kPollDurationBuckets = {0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0};

// Buckets of dlms_bridge_poll_start_lateness_seconds (slot time -> cycle start): 1 ms ... 60 s, so
// the loop's normal jitter (ms), the default limit (a tenth of a 1 s ... 60 s interval) and a
// start late by most of a minute-scale interval are all resolved.
inline constexpr std::array kStartLatenessBuckets = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                     0.5,   1.0,   2.5,  5.0,   10.0, 30.0, 60.0};

// Buckets of dlms_bridge_publish_latency_seconds (read time -> PUBACK): 50 ms ... 30 min, so
// both the 2 s end-to-end target and a replay after a long broker outage are resolved.
inline constexpr std::array kPublishLatencyBuckets = {0.05, 0.1, 0.25, 0.5, 1.0, 2.0,   5.0,
                                                      10.0, 30.0, 60.0, 300.0, 1800.0};

// dlms_bridge_meter_diagnosis_info{symptom} while the last cycle succeeded (or nothing failed yet).
inline constexpr std::string_view kNoSymptom = "none";

class BridgeMetrics : public Collector {
 public:
  // Every label value of a bounded enum is created here (or in add_meter), at zero, so that
  // rate() is defined from the first scrape.
  class Meter {
   public:
    explicit Meter(std::string_view id);
    Meter(const Meter&) = delete;
    Meter& operator=(const Meter&) = delete;

    ::prometheus::Gauge up;                               // 1 if the last poll succeeded
    ::prometheus::Gauge connected;                        // 1 while an association is open
    ::prometheus::Gauge paused;                           // 1 while paused by an operator
    ::prometheus::Gauge last_success_timestamp_seconds;   // Unix time of the last good poll
    ::prometheus::Gauge circuit_breaker_open;             // 1 while the breaker is open
    ::prometheus::Counter polls_total;                    // poll cycles attempted
    ::prometheus::Counter circuit_breaker_trips_total;    // closed -> open transitions
    ::prometheus::Counter readings_published_total;       // readings acknowledged by the broker (PUBACK)
    ::prometheus::Counter readings_total;                 // readings made (entered the outbox; see README)
    ::prometheus::Gauge endpoint_index;                   // 0 = the primary host:port, i = endpoints[i - 1]
    ::prometheus::Gauge request_timeout_seconds;          // deadline of the next request step (fixed or "auto")
    ::prometheus::Counter clock_syncs_total;              // SETs of the meter's clock the meter accepted
    ::prometheus::Counter hdlc_garbage_bytes_total;       // HDLC bytes skipped outside frames
    ::prometheus::Counter protocol_warnings_total;        // tolerated protocol anomalies (trailing bytes ...)
    ::prometheus::Counter poll_slots_due_total;           // schedule slots the meter owed
    ::prometheus::Counter poll_slots_missed_total;        // of those: skipped or started too late

    // dlms_bridge_meter_clock_offset_seconds: meter minus bridge, only once measured (absent
    // with clock = "off", before the first check, and after an unusable reading).
    void set_clock_offset(double seconds);
    void clear_clock_offset();
    std::optional<double> clock_offset() const;

    // dlms_bridge_meter_poll_duration_seconds{_sum,_count}: a summary without quantiles, two
    // series per meter, so mean latency per meter is rate(_sum) / rate(_count).
    void observe_poll_duration(double seconds);
    double poll_duration_sum() const { return poll_duration_sum_.Value(); }
    double poll_duration_count() const { return poll_duration_count_.Value(); }

    // dlms_bridge_meter_diagnosis_info{symptom}: exactly one series; the old one disappears.
    void set_symptom(std::string_view symptom);
    std::string symptom() const;

    ::prometheus::Counter& poll_failure(labels::PollFailure reason);
    ::prometheus::Counter& reconnect(labels::ReconnectCause cause);
    ::prometheus::Counter& hdlc_error(labels::HdlcError kind);
    ::prometheus::Counter& watchdog_trip(labels::Watchdog watchdog);

    const std::string& id() const { return id_; }

   private:
    friend class BridgeMetrics;
    std::string id_;
    std::string label_body_;  // meter="<escaped id>"
    ::prometheus::Counter poll_duration_sum_;
    ::prometheus::Counter poll_duration_count_;
    ::prometheus::Gauge clock_offset_seconds_;
    std::atomic<bool> clock_offset_known_{false};
    mutable std::mutex symptom_mutex_;
    std::string symptom_{kNoSymptom};
    std::string symptom_label_;  // symptom="<escaped symptom>"
    std::array<::prometheus::Counter, labels::kPollFailures.size()> poll_failures_;
    std::array<::prometheus::Counter, labels::kReconnectCauses.size()> reconnects_;
    std::array<::prometheus::Counter, labels::kHdlcErrors.size()> hdlc_errors_;
    std::array<::prometheus::Counter, labels::kWatchdogs.size()> watchdog_trips_;
  };

  explicit BridgeMetrics(const BuildInfo& build = BuildInfo::current());
  BridgeMetrics(const BridgeMetrics&) = delete;
  BridgeMetrics& operator=(const BridgeMetrics&) = delete;

  // false ([http] per_meter_breakdown = false, large fleets): the per-meter families with a second
  // label poll_failures{reason}, reconnects{cause} and hdlc_errors{kind} are served per meter
  // only, same name, the value summed over the second label (30 series per meter become 3).
  // watchdog_trips{watchdog} keeps its label: the bundled alerts select on it.
  void set_per_meter_breakdown(bool on) { breakdown_.store(on, std::memory_order_relaxed); }

  // Fleet-wide families (and anything else a component wants to register).
  std::shared_ptr<::prometheus::Registry> registry() const { return registry_; }

  Meter& add_meter(const std::string& id);     // idempotent: returns the existing meter
  void remove_meter(const std::string& id);    // its series disappear from the next scrape
  Meter* meter(std::string_view id);           // nullptr when unknown
  std::vector<std::string> meter_ids() const;  // sorted

  // Fleet-wide, no meter label.
  ::prometheus::Histogram& poll_duration_seconds() { return poll_duration_seconds_; }
  // From a slot's time to the start of the scheduled cycle for it, slots the meters owed only.
  ::prometheus::Histogram& poll_start_lateness_seconds() { return poll_start_lateness_seconds_; }
  // From a reading's read time to its PUBACK, one observation per reading.
  ::prometheus::Histogram& publish_latency_seconds() { return publish_latency_seconds_; }
  ::prometheus::Gauge& mqtt_connected() { return mqtt_connected_; }
  ::prometheus::Counter& mqtt_messages_acked_total() { return mqtt_messages_acked_total_; }
  ::prometheus::Counter& mqtt_publish_failure(labels::PublishFailure reason);
  ::prometheus::Counter& mqtt_reconnects_total() { return mqtt_reconnects_total_; }
  ::prometheus::Gauge& outbox_messages() { return outbox_messages_; }
  ::prometheus::Gauge& outbox_oldest_timestamp_seconds() { return outbox_oldest_timestamp_seconds_; }
  ::prometheus::Counter& outbox_dropped(labels::OutboxDrop reason);

  // Writes the per-meter families (the registry is served separately, see Exposition).
  void collect(TextWriter& out) const override;

 private:
  std::shared_ptr<::prometheus::Registry> registry_;
  std::atomic<bool> breakdown_{true};
  ::prometheus::Histogram& poll_duration_seconds_;
  ::prometheus::Histogram& poll_start_lateness_seconds_;
  ::prometheus::Histogram& publish_latency_seconds_;
  ::prometheus::Gauge& mqtt_connected_;
  ::prometheus::Counter& mqtt_messages_acked_total_;
  std::vector<::prometheus::Counter*> mqtt_publish_failures_;
  ::prometheus::Counter& mqtt_reconnects_total_;
  ::prometheus::Gauge& outbox_messages_;
  ::prometheus::Gauge& outbox_oldest_timestamp_seconds_;
  std::vector<::prometheus::Counter*> outbox_dropped_;

  mutable std::shared_mutex mutex_;
  std::map<std::string, std::unique_ptr<Meter>, std::less<>> meters_;
};

}  // namespace bridge::prometheus
