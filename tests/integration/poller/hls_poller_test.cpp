// The poller reading an HLS-GMAC meter of the real dlms-meter-sim exactly like an LLS one, with
// the invocation counter kept in the store across a bridge restart, and a wrong key failing by
// name instead of hanging.
#include <gtest/gtest.h>

#include "bridge/poller/fleet.h"
#include "bridge/store/store.h"
#include "run_io.h"
#include "sim_process.h"

namespace {

using namespace std::chrono_literals;
using bridge::poller::Clock;
using bridge::poller::Fleet;
using bridge::poller::FleetDependencies;
using poller_it::SimProcess;
namespace asio = boost::asio;
namespace config = bridge::config;

struct CountReadings : bridge::ReadingSink {
  void on_reading(const bridge::Reading&) override { ++count; }
  int count = 0;
};

constexpr const char* kSystemTitle = "4D4D4D0000000001";
constexpr const char* kEk = "000102030405060708090A0B0C0D0E0F";
constexpr const char* kAk = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF";

config::Config hls_config(int port, const char* ak = kAk) {
  config::QosConfig q;
  q.poll_interval = 300ms;
  q.request_timeout = 1s;
  q.connect_timeout = 1s;
  q.disc_timeout = 500ms;
  q.backoff_initial = 200ms;
  q.backoff_max = 1s;
  q.reconnect_settle = 100ms;
  q.inter_attempt_wait = 200ms;
  config::Config c;
  c.qos = q;
  config::MeterConfig m;
  m.id = "hls-1";
  m.device_name = m.id;
  m.host = "127.0.0.1";
  m.port = static_cast<std::uint16_t>(port);
  m.client_sap = 1;
  m.server_logical = 1;
  m.server_physical = 1;
  m.address_size = 2;
  m.auth = config::Auth::hls_gmac;
  m.system_title = kSystemTitle;
  m.block_cipher_key = config::Secret(kEk);
  m.authentication_key = config::Secret(ak);
  m.registers = config::default_registers();
  m.qos = q;
  c.meters.push_back(m);
  return c;
}

class HlsPollerTest : public ::testing::Test {
 protected:
  void start(config::Config c, bridge::store::Store* store) {
    FleetDependencies deps;
    deps.readings = &readings;
    deps.store = store;
    fleet = std::make_unique<Fleet>(io, std::move(c), deps);
    fleet->start();
  }
  bool run_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    return poller_it::run_io_until(io, pred, timeout);
  }
  void stop() {
    if (!fleet) return;
    bool stopped = false;
    fleet->stop(3s, [&] { stopped = true; });
    EXPECT_TRUE(run_until([&] { return stopped; }, 10s));
    fleet.reset();
  }
  void TearDown() override { stop(); }

  asio::io_context io{1};
  CountReadings readings;
  std::unique_ptr<Fleet> fleet;
};

std::unique_ptr<bridge::store::Store> open_store(const std::filesystem::path& path) {
  auto s = bridge::store::Store::open(path);
  EXPECT_TRUE(s) << (s ? "" : s.error().message);
  return s ? std::move(*s) : nullptr;
}

TEST_F(HlsPollerTest, reads_an_hls_gmac_meter_and_continues_its_counter_after_a_restart) {
  SimProcess sim({"--meters", "1", "--hls-gmac-client", "1"});
  testing_support::TempDir dir;
  const auto db = dir / "bridge.db";
  {
    auto store = open_store(db);
    ASSERT_TRUE(store);
    start(hls_config(sim.port()), store.get());
    ASSERT_TRUE(run_until([&] { return readings.count >= 2; }, 15s)) << fleet->status("hls-1")->last_error << sim.log();
    stop();
    ASSERT_TRUE(store->flush().get());
    auto saved = store->invocation_counter("hls-1", kSystemTitle);
    ASSERT_TRUE(saved && saved->has_value());
    EXPECT_GT(**saved, 1U);
  }
  // The restart: a new store handle and a new fleet. The meter still remembers the counters it
  // accepted, so starting again at 1 would be refused as a replay.
  auto store = open_store(db);
  ASSERT_TRUE(store);
  const int before = readings.count;
  start(hls_config(sim.port()), store.get());
  ASSERT_TRUE(run_until([&] { return readings.count >= before + 2; }, 15s))
      << fleet->status("hls-1")->last_error << sim.log();
  EXPECT_EQ(sim.get("/api/v1/meters/1")["stats"]["hls_rejected"], 0) << sim.get("/api/v1/meters/1").dump();
  stop();  // before the store it uses goes away
}

TEST_F(HlsPollerTest, a_wrong_key_is_a_named_association_failure) {
  SimProcess sim({"--meters", "1", "--hls-gmac-client", "1"});
  start(hls_config(sim.port(), "D0D1D2D3D4D5D6D7D8D9DADBDCDDDE00"), nullptr);
  ASSERT_TRUE(run_until([&] { return !fleet->status("hls-1")->last_error.empty(); }, 15s));
  const auto error = fleet->status("hls-1")->last_error;
  EXPECT_NE(error.find("authentication failure (diagnostic 13)"), std::string::npos) << error;
  EXPECT_EQ(readings.count, 0);
}

TEST_F(HlsPollerTest, general_glo_ciphering_and_a_ciphered_release_reach_the_meter) {
  SimProcess sim({"--meters", "1", "--hls-gmac-client", "1"});
  auto c = hls_config(sim.port());
  c.meters[0].ciphering = "general_glo";
  c.meters[0].release = true;
  start(c, nullptr);
  ASSERT_TRUE(run_until([&] { return readings.count >= 2; }, 15s)) << fleet->status("hls-1")->last_error << sim.log();
  stop();  // the session ends its association with RLRQ/RLRE, then DISC
  const auto stats = sim.get("/api/v1/meters/1")["stats"];
  // What the meter saw: every request general-glo-ciphered (DB), and the release ciphered.
  EXPECT_GE(stats["hls_general_glo_requests"].get<int>(), 3) << stats.dump();
  EXPECT_EQ(stats["hls_ciphered_releases"], 1) << stats.dump();
  EXPECT_EQ(stats["hls_rejected"], 0) << stats.dump();
}

}  // namespace
