#pragma once
// Hands every reading to each exporter in turn (MQTT outbox, Prometheus readings cache).
// Each sink only queues or caches, so the poller thread is never blocked.
#include <vector>

#include "bridge/reading.h"

namespace bridge::app {

class ReadingFanout final : public ReadingSink {
 public:
  void add(ReadingSink* sink) {
    if (sink) sinks_.push_back(sink);
  }
  void on_reading(const Reading& reading) override {
    for (auto* sink : sinks_) sink->on_reading(reading);
  }

 private:
  std::vector<ReadingSink*> sinks_;
};

}  // namespace bridge::app
