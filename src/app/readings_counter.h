#pragma once
// dlms_bridge_meter_readings_total when MQTT is disabled. With MQTT the exporter counts a
// reading when it enters the outbox; without an outbox, a reading the bridge made is one the
// poller handed over (to the Prometheus readings cache).
#include "bridge/prometheus/bridge_metrics.h"
#include "bridge/reading.h"

namespace bridge::app {

class ReadingsCounter final : public ReadingSink {
 public:
  explicit ReadingsCounter(prometheus::BridgeMetrics& metrics) : metrics_(metrics) {}
  void on_reading(const Reading& reading) override {
    if (auto* m = metrics_.meter(reading.meter)) m->readings_total.Increment();
  }

 private:
  prometheus::BridgeMetrics& metrics_;
};

}  // namespace bridge::app
