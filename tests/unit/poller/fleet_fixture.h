#pragma once
// The Fleet test fixture: scripted connections on a real io_context, collectors for readings and
// events, a BridgeMetrics, and a config builder with intervals of tens of milliseconds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>

#include "bridge/prometheus/bridge_metrics.h"
#include "bridge/prometheus/poller_observer.h"
#include "bridge/poller/fleet.h"
#include "bridge/poller/meter_session.h"
#include "fake_connection.h"

namespace bridge::poller::testing {

using namespace std::chrono_literals;

struct CollectReadings : ReadingSink {
  void on_reading(const Reading& r) override {
    ++count[r.meter];
    last[r.meter] = r;
  }
  std::map<std::string, int> count;
  std::map<std::string, Reading> last;
};

struct CollectEvents : EventSink {
  void on_event(const Event& e) override { events.push_back(e); }
  int count(std::string_view category, Severity s) const {
    int n = 0;
    for (const auto& e : events) n += (e.category == category && e.severity == s) ? 1 : 0;
    return n;
  }
  bool has(std::string_view needle) const {
    for (const auto& e : events) {
      if (e.message.find(needle) != std::string::npos) return true;
    }
    return false;
  }
  std::vector<Event> events;
};

inline config::RegisterConfig reg(const std::string& key, const std::string& obis) {
  config::RegisterConfig r;
  r.key = key;
  r.obis = *config::parse_obis(obis);
  return r;
}

inline config::QosConfig fast_qos() {
  config::QosConfig q;
  q.poll_interval = 40ms;
  q.backoff_initial = 20ms;
  q.backoff_max = 80ms;
  q.backoff_jitter = 0;
  q.reconnect_settle = 0ms;
  q.inter_attempt_wait = 20ms;
  q.read_retry_delay = 2ms;
  q.keepalive_idle = std::nullopt;
  q.event_throttle = 0ms;  // every event visible to the assertions
  return q;
}

inline config::Config make_config(int meters, config::QosConfig q = fast_qos()) {
  config::Config c;
  c.qos = q;
  c.fleet.connect_rate = 0;
  c.fleet.max_concurrent_sessions = 0;
  for (int i = 1; i <= meters; ++i) {
    config::MeterConfig m;
    m.id = "m" + std::to_string(i);
    m.device_name = m.id;
    m.host = "127.0.0.1";
    m.port = static_cast<std::uint16_t>(4000 + i);
    m.registers = {reg("voltage_l1", "1-1:32.7.0"), reg("current_l1", "1-1:31.7.0"), reg("frequency", "1-1:14.7.0")};
    m.qos = q;
    c.meters.push_back(m);
  }
  return c;
}

class FleetTest : public ::testing::Test {
 protected:
  void start(config::Config c) {
    FleetDependencies deps;
    deps.readings = &readings;
    deps.events = &events;
    deps.connections = meters.factory();
    deps.observers = {&metrics_observer};
    fleet = std::make_unique<Fleet>(io, std::move(c), deps);
    fleet->start();
  }
  bool run_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = Clock::now() + timeout;
    while (!pred()) {
      if (Clock::now() > deadline) return false;
      io.restart();
      io.run_for(5ms);
    }
    return true;
  }
  void run_for(std::chrono::milliseconds d) {
    const auto until = Clock::now() + d;
    run_until([&] { return Clock::now() >= until; }, d + 1s);
  }
  MeterStatus st(const std::string& id) { return *fleet->status(id); }
  void TearDown() override {
    if (!fleet) return;
    bool stopped = false;
    fleet->stop(2s, [&] { stopped = true; });
    EXPECT_TRUE(run_until([&] { return stopped; }));
    fleet.reset();
  }

  asio::io_context io{1};
  prometheus::BridgeMetrics metrics;
  prometheus::PollerMetricsObserver metrics_observer{metrics};
  FakeConnections meters;
  CollectReadings readings;
  CollectEvents events;
  std::unique_ptr<Fleet> fleet;
};

}  // namespace bridge::poller::testing
