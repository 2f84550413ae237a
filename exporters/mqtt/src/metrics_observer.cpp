#include "bridge/mqtt/metrics_observer.h"

namespace bridge::mqtt {

void MetricsObserver::on_connected(bool connected) { metrics_.mqtt_connected().Set(connected ? 1.0 : 0.0); }

void MetricsObserver::on_acked(std::uint64_t messages) {
  metrics_.mqtt_messages_acked_total().Increment(static_cast<double>(messages));
}

void MetricsObserver::on_readings_published(const std::string& meter, std::uint64_t readings) {
  if (auto* m = metrics_.meter(meter)) m->readings_published_total.Increment(static_cast<double>(readings));
}

void MetricsObserver::on_readings_stored(const std::string& meter, std::uint64_t readings) {
  if (auto* m = metrics_.meter(meter)) m->readings_total.Increment(static_cast<double>(readings));
}

void MetricsObserver::on_publish_latency(double seconds) { metrics_.publish_latency_seconds().Observe(seconds); }

void MetricsObserver::on_publish_failure(bridge::labels::PublishFailure reason) {
  metrics_.mqtt_publish_failure(reason).Increment();
}

void MetricsObserver::on_reconnect() { metrics_.mqtt_reconnects_total().Increment(); }

void MetricsObserver::on_outbox(std::int64_t messages, std::optional<std::int64_t> oldest_ts_ms) {
  metrics_.outbox_messages().Set(static_cast<double>(messages));
  // 0 when empty, as the HELP text says.
  metrics_.outbox_oldest_timestamp_seconds().Set(oldest_ts_ms ? static_cast<double>(*oldest_ts_ms) / 1000.0 : 0.0);
}

void MetricsObserver::on_dropped(bridge::labels::OutboxDrop reason, std::uint64_t count) {
  metrics_.outbox_dropped(reason).Increment(static_cast<double>(count));
}

}  // namespace bridge::mqtt
