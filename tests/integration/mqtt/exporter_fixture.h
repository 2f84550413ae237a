#pragma once
// Shared bits of the exporter integration tests: a store in a temp dir, an event collector, a
// counting observer, numbered readings.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "bridge/mqtt/exporter.h"
#include "bridge/store/store.h"
#include "mqtt_test_support.h"
#include "testing/process.h"

namespace mqtt_it {

using namespace std::chrono_literals;

class EventCollector : public bridge::EventSink {
 public:
  void on_event(const bridge::Event& e) override {
    std::lock_guard lock(mutex_);
    events_.push_back(e);
  }
  std::vector<bridge::Event> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  bool has(const std::string& category, bridge::Severity severity, const std::string& needle) {
    for (const auto& e : events()) {
      if (e.category == category && e.severity == severity &&
          (e.message.find(needle) != std::string::npos || e.details.find(needle) != std::string::npos)) {
        return true;
      }
    }
    return false;
  }

 private:
  std::mutex mutex_;
  std::vector<bridge::Event> events_;
};

class CountingObserver : public bridge::mqtt::Observer {
 public:
  void on_connected(bool c) override { connected = c; }
  void on_acked(std::uint64_t n) override { acked += n; }
  void on_readings_published(const std::string& meter, std::uint64_t n) override {
    std::lock_guard lock(mutex);
    published[meter] += n;
  }
  void on_readings_stored(const std::string& meter, std::uint64_t n) override {
    std::lock_guard lock(mutex);
    stored[meter] += n;
  }
  void on_publish_latency(double seconds) override {
    std::lock_guard lock(mutex);
    latencies.push_back(seconds);
  }
  void on_publish_failure(bridge::labels::PublishFailure r) override {
    std::lock_guard lock(mutex);
    failures[std::string(bridge::labels::to_label(r))]++;
  }
  void on_reconnect() override { reconnects++; }
  void on_outbox(std::int64_t m, std::optional<std::int64_t> oldest) override {
    outbox_messages = m;
    oldest_ts_ms = oldest.value_or(0);
  }
  void on_dropped(bridge::labels::OutboxDrop r, std::uint64_t n) override {
    std::lock_guard lock(mutex);
    dropped[std::string(bridge::labels::to_label(r))] += n;
  }
  std::uint64_t failure(const std::string& reason) {
    std::lock_guard lock(mutex);
    return failures[reason];
  }
  std::uint64_t drops(const std::string& reason) {
    std::lock_guard lock(mutex);
    return dropped[reason];
  }
  std::uint64_t published_for(const std::string& meter) {
    std::lock_guard lock(mutex);
    return published[meter];
  }
  std::uint64_t stored_for(const std::string& meter) {
    std::lock_guard lock(mutex);
    return stored[meter];
  }
  std::vector<double> publish_latencies() {
    std::lock_guard lock(mutex);
    return latencies;
  }

  std::atomic<bool> connected{false};
  std::atomic<std::uint64_t> acked{0}, reconnects{0};
  std::atomic<std::int64_t> outbox_messages{-1}, oldest_ts_ms{0};
  std::mutex mutex;
  std::map<std::string, std::uint64_t> published, stored, failures, dropped;
  std::vector<double> latencies;
};

inline std::unique_ptr<bridge::store::Store> open_store(const std::filesystem::path& path) {
  auto s = bridge::store::Store::open(path);
  if (!s) throw std::runtime_error("store open failed: " + s.error().message);
  return std::move(*s);
}

// Reading number n of meter `meter`: ts = base + n*1000, values derived from n so content is
// checkable after the round trip.
inline bridge::Reading numbered_reading(const std::string& meter, std::int64_t n, std::int64_t base_ts = 1'764'000'000'000) {
  bridge::Reading r;
  r.meter = meter;
  r.ts_ms = base_ts + n * 1000;
  r.values.push_back({"voltage_l1", "1-1:32.7.0.255", 230.0, 2300, -1, 35});
  r.values.push_back({"active_energy", "1-1:1.8.0.255", static_cast<double>(n) + 0.5, n * 10 + 5, -1, 30});
  return r;
}

inline bridge::mqtt::Options fast_options(int port, bridge::mqtt::Mode mode = bridge::mqtt::Mode::gateway) {
  bridge::mqtt::Options o;
  o.host = "127.0.0.1";
  o.port = port;
  o.mode = mode;
  o.client_id = "bridge-test-" + std::to_string(port);
  o.reconnect_min = 100ms;
  o.reconnect_max = 500ms;
  o.keepalive = 10s;
  o.caps_interval = 100ms;
  return o;
}

// (device, ts) -> entry JSON text, from gateway telemetry messages.
struct Delivered {
  std::map<std::pair<std::string, std::int64_t>, std::vector<std::string>> entries;  // every copy
  std::map<std::string, std::vector<std::int64_t>> order;                             // arrival order of ts
};

inline Delivered collect_gateway(const std::vector<mqtt_testing::Received>& msgs) {
  Delivered d;
  for (const auto& m : msgs) {
    if (m.topic != "v1/gateway/telemetry") continue;
    const auto j = nlohmann::json::parse(m.payload);
    for (const auto& [device, arr] : j.items()) {
      for (const auto& e : arr) {
        const auto ts = e["ts"].get<std::int64_t>();
        d.entries[{device, ts}].push_back(e.dump());
        d.order[device].push_back(ts);
      }
    }
  }
  return d;
}

}  // namespace mqtt_it
