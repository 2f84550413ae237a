#include "bridge/prometheus/poller_observer.h"

namespace bridge::prometheus {

void PollerMetricsObserver::on_meter_added(std::string_view meter, bool paused) {
  auto& m = metrics_.add_meter(std::string(meter));
  m.paused.Set(paused ? 1 : 0);
  m.set_symptom(kNoSymptom);
}

void PollerMetricsObserver::on_meter_removed(std::string_view meter) { metrics_.remove_meter(std::string(meter)); }

void PollerMetricsObserver::on_paused(std::string_view meter, bool paused) {
  if (auto* m = metrics_.meter(meter)) m->paused.Set(paused ? 1 : 0);
}

void PollerMetricsObserver::on_connected(std::string_view meter, bool connected) {
  if (auto* m = metrics_.meter(meter)) m->connected.Set(connected ? 1 : 0);
}

void PollerMetricsObserver::on_connect_failed(std::string_view meter, bool scheduled) {
  auto* m = metrics_.meter(meter);
  if (!m) return;
  if (scheduled) m->up.Set(0);
  m->connected.Set(0);
}

void PollerMetricsObserver::on_cycle(const poller::CycleRecord& record) {
  auto* m = metrics_.meter(record.meter);
  if (!m) return;
  m->polls_total.Increment(static_cast<double>(record.slots));
  if (record.failure) {
    m->poll_failure(*record.failure).Increment(static_cast<double>(record.slots));
  } else {
    m->set_symptom(kNoSymptom);
  }
}

void PollerMetricsObserver::on_read_cycle(const poller::ReadCycleRecord& record) {
  metrics_.poll_duration_seconds().Observe(record.seconds);
  auto* m = metrics_.meter(record.meter);
  if (!m) return;
  m->up.Set(record.reading ? 1 : 0);
  m->observe_poll_duration(record.seconds);
  // readings_published_total belongs to the MQTT exporter: it counts PUBACKs, not hand-overs.
  if (record.reading) m->last_success_timestamp_seconds.Set(static_cast<double>(record.reading_ts_ms) / 1000.0);
}

void PollerMetricsObserver::on_slots(const poller::SlotRecord& record) {
  if (record.start_lateness) {
    metrics_.poll_start_lateness_seconds().Observe(std::chrono::duration<double>(*record.start_lateness).count());
  }
  auto* m = metrics_.meter(record.meter);
  if (!m) return;
  if (record.due > 0) m->poll_slots_due_total.Increment(static_cast<double>(record.due));
  if (record.missed > 0) m->poll_slots_missed_total.Increment(static_cast<double>(record.missed));
}

void PollerMetricsObserver::on_reconnect(std::string_view meter, labels::ReconnectCause cause) {
  if (auto* m = metrics_.meter(meter)) m->reconnect(cause).Increment();
}

void PollerMetricsObserver::on_breaker_tripped(std::string_view meter) {
  auto* m = metrics_.meter(meter);
  if (!m) return;
  m->circuit_breaker_trips_total.Increment();
  m->circuit_breaker_open.Set(1);
}

void PollerMetricsObserver::on_breaker_closed(std::string_view meter) {
  if (auto* m = metrics_.meter(meter)) m->circuit_breaker_open.Set(0);
}

void PollerMetricsObserver::on_watchdog(std::string_view meter, labels::Watchdog watchdog) {
  if (auto* m = metrics_.meter(meter)) m->watchdog_trip(watchdog).Increment();
}

void PollerMetricsObserver::on_hdlc_error(std::string_view meter, labels::HdlcError kind, const std::string*) {
  if (auto* m = metrics_.meter(meter)) m->hdlc_error(kind).Increment();
}

void PollerMetricsObserver::on_diagnosis(std::string_view meter, const poller::DiagnosisRecord& record) {
  if (auto* m = metrics_.meter(meter)) m->set_symptom(record.diagnosis.symptom);
}

void PollerMetricsObserver::on_clock_checked(std::string_view meter, std::optional<double> offset_s) {
  auto* m = metrics_.meter(meter);
  if (!m) return;
  if (offset_s) m->set_clock_offset(*offset_s);
  else m->clear_clock_offset();
}

void PollerMetricsObserver::on_clock_synced(std::string_view meter) {
  if (auto* m = metrics_.meter(meter)) m->clock_syncs_total.Increment();
}

void PollerMetricsObserver::on_endpoint(std::string_view meter, std::size_t index) {
  if (auto* m = metrics_.meter(meter)) m->endpoint_index.Set(static_cast<double>(index));
}

void PollerMetricsObserver::on_request_timeout(std::string_view meter, poller::Duration timeout) {
  if (auto* m = metrics_.meter(meter)) m->request_timeout_seconds.Set(std::chrono::duration<double>(timeout).count());
}

void PollerMetricsObserver::on_protocol_warning(std::string_view meter, const std::string& /*warning*/) {
  if (auto* m = metrics_.meter(meter)) m->protocol_warnings_total.Increment();
}

void PollerMetricsObserver::on_garbage(std::string_view meter, std::uint64_t bytes) {
  if (auto* m = metrics_.meter(meter)) m->hdlc_garbage_bytes_total.Increment(static_cast<double>(bytes));
}

}  // namespace bridge::prometheus
