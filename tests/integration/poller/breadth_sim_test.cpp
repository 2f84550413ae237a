// Meter clocks, failover endpoints and adaptive timeouts against the real dlms-meter-sim:
// a drifted clock detected, synced and then reported in range; failover to a second endpoint
// and back to the primary after the holdback; a slow meter that no longer times out and a fast
// meter whose silence is given up after its own short deadline. Assertions are on outcomes
// (status, counters, the simulator's own counts), every wait is bounded.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <mutex>

#include "bridge/prometheus/bridge_metrics.h"
#include "bridge/prometheus/poller_observer.h"
#include "bridge/poller/fleet.h"
#include "run_io.h"
#include "sim_process.h"

namespace {

using namespace std::chrono_literals;
using bridge::poller::Clock;
using bridge::poller::Fleet;
using bridge::poller::FleetDependencies;
using bridge::poller::MeterStatus;
using poller_it::SimProcess;
namespace asio = boost::asio;
namespace config = bridge::config;
namespace labels = bridge::labels;

struct CollectReadings : bridge::ReadingSink {
  void on_reading(const bridge::Reading& r) override { ++count[r.meter]; }
  std::map<std::string, int> count;
};

struct CollectEvents : bridge::EventSink {
  void on_event(const bridge::Event& e) override {
    std::lock_guard lock(mutex);
    events.push_back(e);
  }
  std::vector<bridge::Event> of(const std::string& meter, const std::string& category) {
    std::lock_guard lock(mutex);
    std::vector<bridge::Event> out;
    for (const auto& e : events) {
      if (e.meter == meter && e.category == category) out.push_back(e);
    }
    return out;
  }
  std::mutex mutex;
  std::vector<bridge::Event> events;
};

config::QosConfig test_qos() {
  config::QosConfig q;
  q.poll_interval = 300ms;
  q.request_timeout = 1s;
  q.connect_timeout = 1s;
  q.disc_timeout = 300ms;
  q.backoff_initial = 200ms;
  q.backoff_max = 1s;
  q.reconnect_settle = 50ms;
  q.inter_attempt_wait = 500ms;
  q.read_retry_delay = 50ms;
  q.event_throttle = 0ms;  // every event reaches the sink
  q.clock = config::ClockMode::off;
  return q;
}

config::MeterConfig sim_meter(const std::string& id, int port, int physical, const config::QosConfig& q) {
  config::MeterConfig m;
  m.id = id;
  m.device_name = id;
  m.host = "127.0.0.1";
  m.port = static_cast<std::uint16_t>(port);
  m.client_sap = 1;
  m.server_logical = 1;
  m.server_physical = static_cast<std::uint16_t>(physical);
  m.address_size = 2;
  m.auth = config::Auth::low;
  m.password = config::Secret("22222222");
  m.registers = config::default_registers();
  m.qos = q;
  return m;
}

std::uint64_t timeouts_of(const MeterStatus& s) {
  return s.counters.failures[static_cast<std::size_t>(labels::PollFailure::timeout)];
}

class BreadthSimTest : public ::testing::Test {
 protected:
  void start(std::vector<config::MeterConfig> meters) {
    config::Config c;
    c.qos = test_qos();
    c.meters = std::move(meters);
    FleetDependencies deps;
    deps.readings = &readings;
    deps.events = &events;
    deps.observers = {&metrics_observer};
    fleet = std::make_unique<Fleet>(io, std::move(c), deps);
    fleet->start();
  }
  bool run_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    return poller_it::run_io_until(io, pred, timeout);
  }
  MeterStatus st(const std::string& id) { return *fleet->status(id); }
  void TearDown() override {
    if (!fleet) return;
    bool stopped = false;
    fleet->stop(3s, [&] { stopped = true; });
    EXPECT_TRUE(run_until([&] { return stopped; }, 10s));
    fleet.reset();
  }

  // /metrics as the app wires it: the same figures as the status, through the observer.
  double gauge(const std::string& meter, ::prometheus::Gauge bridge::prometheus::BridgeMetrics::Meter::*g) {
    auto* m = metrics.meter(meter);
    return m ? (m->*g).Value() : -1;
  }

  bridge::prometheus::BridgeMetrics metrics;
  bridge::prometheus::PollerMetricsObserver metrics_observer{metrics};
  asio::io_context io{1};
  CollectReadings readings;
  CollectEvents events;
  std::unique_ptr<Fleet> fleet;
};

TEST_F(BreadthSimTest, a_drifted_clock_is_detected_synced_in_bounded_steps_then_reported_in_range) {
  // Meter 1 is 150 s ahead and gains 0.2 % (2000 ppm); meter 2 the same but only monitored.
  SimProcess sim({"--meters", "2", "--fault", "clock_offset_s=150", "--fault", "clock_drift_ppm=2000"});
  config::QosConfig q = test_qos();
  q.clock = config::ClockMode::sync;
  q.clock_check_every = 3;
  q.clock_max_offset = 2s;
  q.clock_max_step = 100s;
  config::QosConfig monitor = q;
  monitor.clock = config::ClockMode::monitor;
  start({sim_meter("synced", sim.port(), 1, q), sim_meter("watched", sim.port(), 2, monitor)});

  // Detected: the first check sees it 150 s ahead and steps it back by at most 100 s.
  ASSERT_TRUE(run_until([&] { return !events.of("synced", "clock").empty(); }, 15s)) << sim.log();
  const std::string first = events.of("synced", "clock").front().message;
  EXPECT_NE(first.find("ahead"), std::string::npos) << first;
  EXPECT_NE(first.find("100"), std::string::npos) << first;  // the bounded step
  // Synced: a second, smaller step; then in range.
  ASSERT_TRUE(run_until(
      [&] {
        const auto s = st("synced");
        return s.counters.clock_syncs >= 2 && s.clock.offset_s && std::abs(*s.clock.offset_s) < 2.0;
      },
      20s))
      << "syncs " << st("synced").counters.clock_syncs << ", offset "
      << st("synced").clock.offset_s.value_or(NAN) << "\n" << sim.log();
  EXPECT_EQ(sim.get("/api/v1/meters/1")["stats"]["clock_sets"].get<int>(),
            static_cast<int>(st("synced").counters.clock_syncs));
  EXPECT_EQ(metrics.meter("synced")->clock_syncs_total.Value(), static_cast<double>(st("synced").counters.clock_syncs));
  // Reported in range at the following checks, without another sync.
  const auto syncs = st("synced").counters.clock_syncs;
  const auto checks = st("synced").counters.clock_checks;
  ASSERT_TRUE(run_until([&] { return st("synced").counters.clock_checks >= checks + 2; }, 15s));
  EXPECT_LT(std::abs(st("synced").clock.offset_s.value_or(99)), 2.0);
  EXPECT_EQ(st("synced").counters.clock_syncs, syncs);
  // Monitored only: the offset is reported, the clock never written.
  const auto watched = st("watched");
  ASSERT_TRUE(watched.clock.offset_s);
  EXPECT_GT(*watched.clock.offset_s, 140.0);
  EXPECT_LT(*watched.clock.offset_s, 170.0);
  EXPECT_EQ(watched.counters.clock_syncs, 0u);
  ASSERT_TRUE(metrics.meter("watched")->clock_offset());
  EXPECT_NEAR(*metrics.meter("watched")->clock_offset(), *watched.clock.offset_s, 5.0);
  EXPECT_EQ(sim.get("/api/v1/meters/2")["stats"]["clock_sets"].get<int>(), 0);
}

TEST_F(BreadthSimTest, extra_bytes_after_the_clock_value_are_a_counted_protocol_warning_not_a_failure) {
  // A widely used server answers the clock with bytes after the complete date-time.
  SimProcess sim({"--meters", "1", "--fault", "clock_trailing_bytes=3", "--fault", "clock_offset_s=-30"});
  config::QosConfig q = test_qos();
  q.clock = config::ClockMode::monitor;
  q.clock_check_every = 2;
  start({sim_meter("chatty", sim.port(), 1, q)});
  ASSERT_TRUE(run_until([&] { return st("chatty").counters.clock_checks >= 2; }, 15s)) << sim.log();
  const auto s = st("chatty");
  ASSERT_TRUE(s.clock.offset_s) << s.clock.problem;
  EXPECT_LT(*s.clock.offset_s, -25.0);
  EXPECT_GT(*s.clock.offset_s, -35.0);
  EXPECT_GE(s.counters.protocol_warnings, 2u);
  EXPECT_EQ(s.counters.cycles_failed, 0u);
  EXPECT_EQ(metrics.meter("chatty")->protocol_warnings_total.Value(), static_cast<double>(s.counters.protocol_warnings));
  const auto warnings = events.of("chatty", "protocol");
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(warnings.front().message.find("3 byte(s) after the complete value"), std::string::npos)
      << warnings.front().message;
}

TEST_F(BreadthSimTest, fails_over_to_the_second_endpoint_and_returns_to_the_primary_after_the_holdback) {
  SimProcess primary({"--meters", "1"});
  SimProcess backup({"--meters", "1"});
  primary.faults(1, {{"refuse", true}});
  config::QosConfig q = test_qos();
  q.failover_holdback = 2s;
  auto m = sim_meter("dual", primary.port(), 1, q);
  m.endpoints = {config::Endpoint{"127.0.0.1", static_cast<std::uint16_t>(backup.port())}};
  start({m});

  ASSERT_TRUE(run_until([&] { return readings.count["dual"] >= 2; }, 15s)) << backup.log();
  EXPECT_EQ(st("dual").endpoint_index, 1u);
  EXPECT_EQ(st("dual").endpoint, "127.0.0.1:" + std::to_string(backup.port()));
  EXPECT_TRUE(backup.associated(1));
  EXPECT_GE(st("dual").counters.failovers, 1u);
  EXPECT_EQ(gauge("dual", &bridge::prometheus::BridgeMetrics::Meter::endpoint_index), 1.0);

  // The primary comes back: after the holdback the session returns to it.
  primary.reset(1);
  ASSERT_TRUE(run_until([&] { return st("dual").endpoint_index == 0 && st("dual").connected; }, 15s))
      << primary.log();
  EXPECT_EQ(st("dual").endpoint, "127.0.0.1:" + std::to_string(primary.port()));
  const int before = readings.count["dual"];
  ASSERT_TRUE(run_until([&] { return readings.count["dual"] >= before + 2; }, 10s));
  EXPECT_TRUE(primary.associated(1));
  EXPECT_FALSE(backup.associated(1));  // released with DISC
  EXPECT_EQ(gauge("dual", &bridge::prometheus::BridgeMetrics::Meter::endpoint_index), 0.0);
  EXPECT_EQ(metrics.meter("dual")->reconnect(labels::ReconnectCause::failover_return).Value(), 1.0);
}

TEST_F(BreadthSimTest, a_slow_meter_keeps_its_association_with_auto_but_times_out_with_a_fixed_short_deadline) {
  // Every answer of both meters takes 400-500 ms.
  SimProcess sim({"--meters", "2", "--fault", "delay_ms=400", "--fault", "delay_jitter_ms=100"});
  config::QosConfig fixed = test_qos();
  fixed.poll_interval = 1s;
  fixed.request_timeout = 300ms;
  config::QosConfig adaptive = fixed;
  adaptive.request_timeout_auto = true;
  adaptive.request_timeout_min = 100ms;
  adaptive.request_timeout_max = 5s;
  start({sim_meter("fixed", sim.port(), 1, fixed), sim_meter("auto", sim.port(), 2, adaptive)});

  ASSERT_TRUE(run_until([&] { return readings.count["auto"] >= 3 && timeouts_of(st("fixed")) >= 2; }, 30s))
      << "auto readings " << readings.count["auto"] << ", fixed timeouts " << timeouts_of(st("fixed"));
  EXPECT_EQ(timeouts_of(st("auto")), 0u);
  EXPECT_EQ(st("auto").counters.cycles_failed, 0u);
  EXPECT_EQ(readings.count["fixed"], 0);
  // The deadline it settled on covers the meter's latency (p99 x 3 of ~0.5 s), under the maximum.
  EXPECT_GT(st("auto").request_timeout_ms, 500);
  EXPECT_LT(st("auto").request_timeout_ms, 5000);
  EXPECT_EQ(st("fixed").request_timeout_ms, 300);
  EXPECT_DOUBLE_EQ(gauge("auto", &bridge::prometheus::BridgeMetrics::Meter::request_timeout_seconds),
                   static_cast<double>(st("auto").request_timeout_ms) / 1000.0);
  EXPECT_DOUBLE_EQ(gauge("fixed", &bridge::prometheus::BridgeMetrics::Meter::request_timeout_seconds), 0.3);
}

TEST_F(BreadthSimTest, a_fast_meter_with_auto_gives_up_on_silence_after_its_own_short_deadline) {
  SimProcess sim({"--meters", "1"});
  config::QosConfig q = test_qos();
  q.request_timeout = 7s;  // the fleet default a fixed-timeout meter would wait
  q.request_timeout_auto = true;
  q.request_timeout_min = 200ms;
  q.request_timeout_max = 10s;
  q.read_retries = 0;
  start({sim_meter("fast", sim.port(), 1, q)});
  // Learned: a loopback simulator answers in milliseconds, so the deadline is the minimum.
  ASSERT_TRUE(run_until([&] { return readings.count["fast"] >= 3 && st("fast").request_timeout_ms == 200; }, 15s))
      << st("fast").request_timeout_ms;
  sim.faults(1, {{"silent", true}});
  ASSERT_TRUE(run_until([&] { return timeouts_of(st("fast")) >= 1; }, 15s));
  // The failure names the learned deadline, not the 7 s a fixed timeout would have waited.
  EXPECT_NE(st("fast").last_error.find("within 200ms"), std::string::npos) << st("fast").last_error;
  // A timeout widens the deadline (p99 x 3 with the timed-out step counted at its deadline).
  EXPECT_GE(st("fast").request_timeout_ms, 600);
}

}  // namespace
