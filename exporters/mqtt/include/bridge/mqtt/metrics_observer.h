#pragma once
// Observer -> bridge::prometheus::BridgeMetrics (the docs/contract.md series).
#include "bridge/prometheus/bridge_metrics.h"
#include "bridge/mqtt/observer.h"

namespace bridge::mqtt {

class MetricsObserver final : public Observer {
 public:
  explicit MetricsObserver(bridge::prometheus::BridgeMetrics& metrics) : metrics_(metrics) {}

  void on_connected(bool connected) override;
  void on_acked(std::uint64_t messages) override;
  // meter_readings_published_total counts readings acknowledged by the broker (PUBACK); a
  // meter removed from the config (no series any more) is skipped.
  void on_readings_published(const std::string& meter, std::uint64_t readings) override;
  // meter_readings_total (a removed meter is skipped, as above).
  void on_readings_stored(const std::string& meter, std::uint64_t readings) override;
  void on_publish_latency(double seconds) override;
  void on_publish_failure(bridge::labels::PublishFailure reason) override;
  void on_reconnect() override;
  void on_outbox(std::int64_t messages, std::optional<std::int64_t> oldest_ts_ms) override;
  void on_dropped(bridge::labels::OutboxDrop reason, std::uint64_t count) override;

 private:
  bridge::prometheus::BridgeMetrics& metrics_;
};

}  // namespace bridge::mqtt
