#pragma once
// A bridge-shaped /metrics for integration tests: HttpServer on 127.0.0.1:0 serving a
// BridgeMetrics with a few meters, a ReadingsCollectable fed like the poller would, and the
// process collector.
#include <memory>
#include <string>
#include <vector>

#include "bridge/api/http_server.h"
#include "bridge/prometheus/bridge_metrics.h"
#include "bridge/prometheus/exposition.h"
#include "bridge/prometheus/process_collector.h"
#include "bridge/prometheus/readings_collectable.h"

namespace http_it {

struct MetricsServer {
  std::shared_ptr<bridge::prometheus::BridgeMetrics> metrics = std::make_shared<bridge::prometheus::BridgeMetrics>();
  std::shared_ptr<bridge::prometheus::ReadingsCollectable> readings =
      std::make_shared<bridge::prometheus::ReadingsCollectable>();
  std::shared_ptr<bridge::prometheus::Exposition> exposition = std::make_shared<bridge::prometheus::Exposition>();
  std::unique_ptr<bridge::api::HttpServer> server;

  // Starts on 127.0.0.1:0 with `options` (listen is overridden) and `meters` meters named
  // meter-1..meter-N, each with a voltage/current/energy/power-factor reading.
  explicit MetricsServer(int meters, bridge::api::HttpOptions options = {});
  // One poll's worth of updates for meter-k (as the poller would do it).
  void poll(int k, double volts);
};


}  // namespace http_it
