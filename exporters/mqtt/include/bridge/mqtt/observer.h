#pragma once
// The exporter's metric hooks (docs/contract.md names). The service adapts them onto
// bridge::prometheus::BridgeMetrics (metrics_observer.h); tests count them directly. Called on the
// exporter's publisher thread; implementations must be cheap and must not call back into it.
#include <cstdint>
#include <optional>
#include <string>

#include "bridge/labels.h"

namespace bridge::mqtt {

class Observer {
 public:
  virtual ~Observer() = default;
  // mqtt_connected: 1 when every connection of the exporter is up.
  virtual void on_connected(bool connected) = 0;
  // mqtt_messages_acked_total: one per PUBACK of a telemetry message (a gateway message may
  // carry several readings; see on_readings_published).
  virtual void on_acked(std::uint64_t messages) = 0;
  // meter_readings_published_total{meter}: readings whose PUBACK arrived (exactly once per
  // reading; the publish ratio is increase(readings_published) / increase(readings) over a window).
  virtual void on_readings_published(const std::string& meter, std::uint64_t readings) = 0;
  // meter_readings_total{meter}: readings written to the outbox (the readings the bridge made).
  virtual void on_readings_stored(const std::string& meter, std::uint64_t readings) = 0;
  // publish_latency_seconds: one call per acknowledged reading, PUBACK time minus read time.
  virtual void on_publish_latency(double seconds) = 0;
  // mqtt_publish_failures_total{reason}.
  virtual void on_publish_failure(bridge::labels::PublishFailure reason) = 0;
  // mqtt_reconnects_total: every successful connection after the first one.
  virtual void on_reconnect() = 0;
  // outbox_messages, outbox_oldest_timestamp_seconds (nullopt: empty outbox).
  virtual void on_outbox(std::int64_t messages, std::optional<std::int64_t> oldest_ts_ms) = 0;
  // outbox_dropped_total{reason}.
  virtual void on_dropped(bridge::labels::OutboxDrop reason, std::uint64_t count) = 0;
};

}  // namespace bridge::mqtt
