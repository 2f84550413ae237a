#include "bridge/prometheus/bridge_metrics.h"

#include <mutex>

#include "bridge/version.h"

namespace bridge::prometheus {

namespace {

constexpr std::string_view kGauge = "gauge";
constexpr std::string_view kCounter = "counter";
constexpr std::string_view kSummary = "summary";

template <class Enum>
std::size_t index_of(Enum value, std::size_t size) {
  auto i = static_cast<std::size_t>(value);
  // Enum values are declared 0..N-1 in labels.h and the k* arrays list them in that order.
  return i < size ? i : size - 1;
}

// `reason="refused"` etc., built once per process.
template <class Enum, std::size_t N>
std::array<std::string, N> label_bodies(std::string_view name, const std::array<Enum, N>& values) {
  std::array<std::string, N> out;
  for (std::size_t i = 0; i < N; ++i) out[i] = TextWriter::label(name, labels::to_label(values[i]));
  return out;
}

struct GaugeSeries {
  std::string_view name;
  std::string_view help;
  ::prometheus::Gauge BridgeMetrics::Meter::*member;
};
struct CounterSeries {
  std::string_view name;
  std::string_view help;
  ::prometheus::Counter BridgeMetrics::Meter::*member;
};

using M = BridgeMetrics::Meter;

const std::array<GaugeSeries, 7> kMeterGauges = {{
    {"dlms_bridge_meter_up", "1 if the meter's last poll cycle succeeded, 0 otherwise, as of the last poll.", &M::up},
    {"dlms_bridge_meter_connected", "1 while a DLMS association with the meter is open, as of the last poll.",
     &M::connected},
    {"dlms_bridge_meter_paused", "1 while polling of the meter is paused by an operator, as of the last poll.", &M::paused},
    {"dlms_bridge_meter_last_success_timestamp_seconds",
     "Unix time of the meter's last successful poll cycle (0 = never), as of the last poll.",
     &M::last_success_timestamp_seconds},
    {"dlms_bridge_meter_circuit_breaker_open",
     "1 while the meter's circuit breaker is open and polls are skipped, as of the last poll.",
     &M::circuit_breaker_open},
    {"dlms_bridge_meter_endpoint_index",
     "Endpoint the meter's session uses: 0 = its host:port, i = the i-th of its failover endpoints, as of the last "
     "poll.",
     &M::endpoint_index},
    {"dlms_bridge_meter_request_timeout_seconds",
     "Deadline of the meter's next request step: request_timeout, or with request_timeout = \"auto\" the one "
     "derived from its measured response times, as of the last poll.",
     &M::request_timeout_seconds},
}};

const std::array<CounterSeries, 9> kMeterCounters = {{
    {"dlms_bridge_meter_polls_total", "Poll cycles started for the meter, as of the last poll.", &M::polls_total},
    {"dlms_bridge_meter_circuit_breaker_trips_total",
     "Times the meter's circuit breaker went from closed to open, as of the last poll.",
     &M::circuit_breaker_trips_total},
    {"dlms_bridge_meter_readings_published_total",
     "Readings of the meter acknowledged by the MQTT broker (PUBACK), as of the last poll; the publish ratio is "
     "increase(this) / increase(readings_total) over a window, clamped to 1.",
     &M::readings_published_total},
    {"dlms_bridge_meter_readings_total",
     "Readings the bridge made for the meter, counted when a reading enters the MQTT outbox (without MQTT: when "
     "the poller hands it over), as of the last poll.",
     &M::readings_total},
    {"dlms_bridge_meter_clock_syncs_total",
     "Times the bridge set the meter's clock (clock = \"sync\") and the meter accepted it, as of the last poll.", &M::clock_syncs_total},
    {"dlms_bridge_meter_hdlc_garbage_bytes_total",
     "Bytes from the meter outside any HDLC frame that the decoder skipped (line noise, a modem's banner): "
     "tolerated, the frames around them are read; a steady rate points at the line, as of the last poll.",
     &M::hdlc_garbage_bytes_total},
    {"dlms_bridge_meter_protocol_warnings_total",
     "Protocol anomalies of the meter tolerated without failing the read (e.g. bytes after a complete value), as "
     "of the last poll.",
     &M::protocol_warnings_total},
    {"dlms_bridge_meter_poll_slots_due_total",
     "Schedule slots the meter owed (not paused, breaker not open, first connection attempt made), as of the "
     "last poll.",
     &M::poll_slots_due_total},
    {"dlms_bridge_meter_poll_slots_missed_total",
     "Owed slots the meter missed: skipped (the previous cycle overran, the meter was down) or started later than "
     "qos.max_start_lateness, as of the last poll; on-time ratio = 1 - rate(this) / rate(due).",
     &M::poll_slots_missed_total},
}};

template <class Enum>
std::vector<::prometheus::Counter*> precreate(::prometheus::Family<::prometheus::Counter>& family, std::string_view label,
                                            const auto& values) {
  std::vector<::prometheus::Counter*> out;
  for (Enum v : values) out.push_back(&family.Add({{std::string(label), std::string(labels::to_label(v))}}));
  return out;
}

}  // namespace

BuildInfo BuildInfo::current() {
  return BuildInfo{std::string(bridge::version()), std::string(bridge::git_revision()),
                   std::string(bridge::git_branch())};
}

BridgeMetrics::Meter::Meter(std::string_view id)
    : id_(id), label_body_(TextWriter::label("meter", id)), symptom_label_(TextWriter::label("symptom", kNoSymptom)) {}

void BridgeMetrics::Meter::observe_poll_duration(double seconds) {
  poll_duration_sum_.Increment(seconds);
  poll_duration_count_.Increment();
}

void BridgeMetrics::Meter::set_clock_offset(double seconds) {
  clock_offset_seconds_.Set(seconds);
  clock_offset_known_ = true;
}

void BridgeMetrics::Meter::clear_clock_offset() { clock_offset_known_ = false; }

std::optional<double> BridgeMetrics::Meter::clock_offset() const {
  if (!clock_offset_known_) return std::nullopt;
  return clock_offset_seconds_.Value();
}

void BridgeMetrics::Meter::set_symptom(std::string_view symptom) {
  if (symptom.empty()) symptom = kNoSymptom;
  std::lock_guard lock(symptom_mutex_);
  if (symptom_ == symptom) return;
  symptom_ = symptom;
  symptom_label_ = TextWriter::label("symptom", symptom);
}

std::string BridgeMetrics::Meter::symptom() const {
  std::lock_guard lock(symptom_mutex_);
  return symptom_;
}

::prometheus::Counter& BridgeMetrics::Meter::poll_failure(labels::PollFailure reason) {
  return poll_failures_[index_of(reason, poll_failures_.size())];
}
::prometheus::Counter& BridgeMetrics::Meter::reconnect(labels::ReconnectCause cause) {
  return reconnects_[index_of(cause, reconnects_.size())];
}
::prometheus::Counter& BridgeMetrics::Meter::hdlc_error(labels::HdlcError kind) {
  return hdlc_errors_[index_of(kind, hdlc_errors_.size())];
}
::prometheus::Counter& BridgeMetrics::Meter::watchdog_trip(labels::Watchdog watchdog) {
  return watchdog_trips_[index_of(watchdog, watchdog_trips_.size())];
}

BridgeMetrics::BridgeMetrics(const BuildInfo& build)
    : registry_(std::make_shared<::prometheus::Registry>()),
      poll_duration_seconds_(
          ::prometheus::BuildHistogram()
              .Name("dlms_bridge_poll_duration_seconds")
              .Help("Duration of one meter poll cycle (connect or reuse, every GET, until the last answer), "
                    "all meters together.")
              .Register(*registry_)
              .Add({}, ::prometheus::Histogram::BucketBoundaries(kPollDurationBuckets.begin(),
                                                                kPollDurationBuckets.end()))),
      poll_start_lateness_seconds_(
          ::prometheus::BuildHistogram()
              .Name("dlms_bridge_poll_start_lateness_seconds")
              .Help("How late each scheduled poll cycle started after its slot's time, for the slots the meters "
                    "owed, all meters together.")
              .Register(*registry_)
              .Add({}, ::prometheus::Histogram::BucketBoundaries(kStartLatenessBuckets.begin(),
                                                                kStartLatenessBuckets.end()))),
      publish_latency_seconds_(
          ::prometheus::BuildHistogram()
              .Name("dlms_bridge_publish_latency_seconds")
              .Help("End-to-end delay of each reading, from its read time at the meter to the MQTT broker's PUBACK "
                    "(outbox and replay included), all meters together.")
              .Register(*registry_)
              .Add({}, ::prometheus::Histogram::BucketBoundaries(kPublishLatencyBuckets.begin(),
                                                                kPublishLatencyBuckets.end()))),
      mqtt_connected_(::prometheus::BuildGauge()
                          .Name("dlms_bridge_mqtt_connected")
                          .Help("1 while the MQTT client is connected to the broker, 0 otherwise.")
                          .Register(*registry_)
                          .Add({})),
      mqtt_messages_acked_total_(
          ::prometheus::BuildCounter()
              .Name("dlms_bridge_mqtt_messages_acked_total")
              .Help("MQTT messages acknowledged by the broker (PUBACK) and removed from the outbox.")
              .Register(*registry_)
              .Add({})),
      mqtt_publish_failures_(precreate<labels::PublishFailure>(
          ::prometheus::BuildCounter()
              .Name("dlms_bridge_mqtt_publish_failures_total")
              .Help("MQTT publish attempts that failed, by reason; the message stays in the outbox.")
              .Register(*registry_),
          "reason", labels::kPublishFailures)),
      mqtt_reconnects_total_(::prometheus::BuildCounter()
                                 .Name("dlms_bridge_mqtt_reconnects_total")
                                 .Help("Reconnections to the MQTT broker after a lost or failed connection.")
                                 .Register(*registry_)
                                 .Add({})),
      outbox_messages_(::prometheus::BuildGauge()
                           .Name("dlms_bridge_outbox_messages")
                           .Help("Messages in the SQLite outbox waiting for a broker acknowledgement.")
                           .Register(*registry_)
                           .Add({})),
      outbox_oldest_timestamp_seconds_(
          ::prometheus::BuildGauge()
              .Name("dlms_bridge_outbox_oldest_timestamp_seconds")
              .Help("Unix time at which the oldest message still in the outbox was read (0 when empty).")
              .Register(*registry_)
              .Add({})),
      outbox_dropped_(precreate<labels::OutboxDrop>(
          ::prometheus::BuildCounter()
              .Name("dlms_bridge_outbox_dropped_total")
              .Help("Outbox messages dropped without delivery, by reason (each drop is also an event).")
              .Register(*registry_),
          "reason", labels::kOutboxDrops)) {
  ::prometheus::BuildGauge()
      .Name("dlms_bridge_build_info")
      .Help("A metric with a constant 1, labeled by the version, revision and branch dlms-bridge was built from.")
      .Register(*registry_)
      .Add({{"version", build.version}, {"revision", build.revision}, {"branch", build.branch}})
      .Set(1);
}

::prometheus::Counter& BridgeMetrics::mqtt_publish_failure(labels::PublishFailure reason) {
  return *mqtt_publish_failures_[index_of(reason, mqtt_publish_failures_.size())];
}

::prometheus::Counter& BridgeMetrics::outbox_dropped(labels::OutboxDrop reason) {
  return *outbox_dropped_[index_of(reason, outbox_dropped_.size())];
}

BridgeMetrics::Meter& BridgeMetrics::add_meter(const std::string& id) {
  std::unique_lock lock(mutex_);
  auto it = meters_.find(id);
  if (it == meters_.end()) it = meters_.emplace(id, std::make_unique<Meter>(id)).first;
  return *it->second;
}

void BridgeMetrics::remove_meter(const std::string& id) {
  std::unique_lock lock(mutex_);
  meters_.erase(id);
}

BridgeMetrics::Meter* BridgeMetrics::meter(std::string_view id) {
  std::shared_lock lock(mutex_);
  auto it = meters_.find(id);
  return it == meters_.end() ? nullptr : it->second.get();
}

std::vector<std::string> BridgeMetrics::meter_ids() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> ids;
  ids.reserve(meters_.size());
  for (const auto& [id, m] : meters_) ids.push_back(id);
  return ids;
}

void BridgeMetrics::collect(TextWriter& out) const {
  static const auto kReasons = label_bodies("reason", labels::kPollFailures);
  static const auto kCauses = label_bodies("cause", labels::kReconnectCauses);
  static const auto kKinds = label_bodies("kind", labels::kHdlcErrors);
  static const auto kWatchdogNames = label_bodies("watchdog", labels::kWatchdogs);

  std::shared_lock lock(mutex_);
  // Rough size hint: ~54 lines of ~70 bytes per meter; avoids repeated reallocation of a
  // multi-megabyte body.
  out.out().reserve(out.out().size() + meters_.size() * 54 * 72 + 8192);
  // One walk of the map, then ~15 passes over a flat array: walking a 10,000-node std::map once
  // per family was ~a quarter of the render (bench/results/scrape.md).
  std::vector<std::pair<const std::string*, Meter*>> meters;
  meters.reserve(meters_.size());
  for (const auto& [id, m] : meters_) meters.emplace_back(&id, m.get());

  for (const auto& g : kMeterGauges) {
    out.family(g.name, g.help, kGauge);
    for (const auto& [id, m] : meters) out.sample(g.name, m->label_body_, ((*m).*(g.member)).Value());
  }
  for (const auto& c : kMeterCounters) {
    out.family(c.name, c.help, kCounter);
    for (const auto& [id, m] : meters) out.sample(c.name, m->label_body_, ((*m).*(c.member)).Value());
  }

  static constexpr std::string_view kDuration = "dlms_bridge_meter_poll_duration_seconds";
  out.family(kDuration,
             "Duration of the meter's poll cycles (connect or reuse, every GET, until the last answer; failed "
             "connection attempts and breaker skips excluded), as of the last poll; a summary without quantiles.",
             kSummary);
  for (const auto& [id, m] : meters) {
    out.sample("dlms_bridge_meter_poll_duration_seconds_sum", m->label_body_, m->poll_duration_sum_.Value());
    out.sample("dlms_bridge_meter_poll_duration_seconds_count", m->label_body_, m->poll_duration_count_.Value());
  }
  static constexpr std::string_view kClockOffset = "dlms_bridge_meter_clock_offset_seconds";
  out.family(kClockOffset,
             "The meter's clock minus the bridge's (UTC, the meter's deviation applied, half the request's round trip "
             "accounted for) at its last check, as of the last poll; absent until measured and with clock = \"off\".",
             kGauge);
  for (const auto& [id, m] : meters) {
    if (auto offset = m->clock_offset()) out.sample(kClockOffset, m->label_body_, *offset);
  }
  static constexpr std::string_view kDiagnosis = "dlms_bridge_meter_diagnosis_info";
  out.family(kDiagnosis,
             "Constant 1, labeled with the symptom code of the meter's current diagnosis (none while its last cycle "
             "succeeded), as of the last poll.",
             kGauge);
  for (const auto& [id, m] : meters) {
    std::lock_guard symptom_lock(m->symptom_mutex_);
    out.sample(kDiagnosis, m->label_body_, m->symptom_label_, 1.0);
  }

  const bool breakdown = breakdown_.load(std::memory_order_relaxed);
  // `summable`: the family may lose its second label when the breakdown is off. Watchdog trips
  // keep theirs (4 series per meter) because the bundled alerts select on `watchdog`.
  auto labeled = [&](std::string_view name, std::string_view help, const auto& extras, auto member, bool summable) {
    out.family(name, help, kCounter);
    for (const auto& [id, m] : meters) {
      const auto& counters = (*m).*member;
      if (!breakdown && summable) {
        double total = 0;
        for (const auto& c : counters) total += c.Value();
        out.sample(name, m->label_body_, total);
        continue;
      }
      for (std::size_t i = 0; i < counters.size(); ++i) out.sample(name, m->label_body_, extras[i], counters[i].Value());
    }
  };
  labeled("dlms_bridge_meter_poll_failures_total",
          "Failed poll cycles of the meter by reason (bounded enum, see exporters/prometheus/README.md), as of "
          "the last poll.",
          kReasons, &Meter::poll_failures_, true);
  labeled("dlms_bridge_meter_reconnects_total", "Reconnections to the meter by cause, as of the last poll.", kCauses,
          &Meter::reconnects_, true);
  labeled("dlms_bridge_meter_hdlc_errors_total", "HDLC errors on the meter's link by kind, as of the last poll.",
          kKinds, &Meter::hdlc_errors_, true);
  labeled("dlms_bridge_meter_watchdog_trips_total", "Watchdog trips for the meter by watchdog, as of the last poll.",
          kWatchdogNames, &Meter::watchdog_trips_, false);
}

}  // namespace bridge::prometheus
