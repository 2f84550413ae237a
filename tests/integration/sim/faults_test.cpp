// Every fault mode of dlms-meter-sim, seen from a raw TCP client: the symptom on the wire and
// the count on the control endpoint.
#include <gtest/gtest.h>

#include "dlms/hdlc/control.h"
#include "sim_fixture.h"

namespace {

using namespace sim_it;
namespace hdlc = dlms::hdlc;

// The UA to the production SNRM is 32 bytes (docs/protocol.md 1.14: length 0x1E + 2 flags).
constexpr std::size_t kUaSize = 32;

TEST(SimFaultsTest, garbage_bytes_come_before_the_frame_and_never_contain_a_flag) {
  SimProcess sim({"--fault", "garbage=1", "--fault", "garbage_bytes=5"});
  RawClient c(sim.port());
  ASSERT_TRUE(c.send(hex(kProductionSnrm)));
  auto ua = c.read_frame();
  ASSERT_TRUE(ua);
  EXPECT_EQ(ua->type(), hdlc::FrameType::ua);
  ASSERT_GE(c.raw().size(), 5U + kUaSize);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_NE(c.raw()[i], 0x7E) << i;
  EXPECT_EQ(c.raw()[5], 0x7E);
  EXPECT_EQ(c.decoder().garbage_bytes(), 5U);
  EXPECT_EQ(sim.count(1, "garbage"), 1U);
}

TEST(SimFaultsTest, corrupt_fcs_makes_the_frame_fail_its_fcs) {
  SimProcess sim({"--fault", "corrupt_fcs=1"});
  RawClient c(sim.port());
  ASSERT_TRUE(c.send(hex(kProductionSnrm)));
  EXPECT_FALSE(c.read_frame(5s, true));
  ASSERT_FALSE(c.errors().empty());
  EXPECT_EQ(c.errors().front().kind, dlms::LinkError::fcs);
  EXPECT_EQ(c.raw().size(), kUaSize);
  EXPECT_EQ(sim.count(1, "corrupt_fcs"), 1U);
}

TEST(SimFaultsTest, corrupt_hcs_makes_the_frame_fail_its_hcs) {
  SimProcess sim({"--fault", "corrupt_hcs=1"});
  RawClient c(sim.port());
  ASSERT_TRUE(c.send(hex(kProductionSnrm)));
  EXPECT_FALSE(c.read_frame(5s, true));
  ASSERT_FALSE(c.errors().empty());
  EXPECT_EQ(c.errors().front().kind, dlms::LinkError::hcs);
  EXPECT_EQ(sim.count(1, "corrupt_hcs"), 1U);
}

TEST(SimFaultsTest, split_writes_still_deliver_a_whole_frame) {
  SimProcess sim({"--fault", "split_writes=true"});
  RawClient c(sim.port());
  ASSERT_TRUE(c.send(hex(kProductionSnrm)));
  auto ua = c.read_frame();
  ASSERT_TRUE(ua);
  EXPECT_EQ(ua->type(), hdlc::FrameType::ua);
  EXPECT_EQ(sim.count(1, "split_writes"), 1U);
}

TEST(SimFaultsTest, drop_mid_frame_sends_half_a_frame_then_closes) {
  SimProcess sim({"--fault", "drop_mid_frame=1"});
  RawClient c(sim.port());
  ASSERT_TRUE(c.send(hex(kProductionSnrm)));
  EXPECT_TRUE(c.wait_closed());
  EXPECT_EQ(c.raw().size(), kUaSize / 2);
  EXPECT_EQ(c.raw().front(), 0x7E);
  EXPECT_EQ(sim.count(1, "drop_mid_frame"), 1U);
}

TEST(SimFaultsTest, slow_meter_answers_after_its_delay) {
  SimProcess sim({"--fault", "delay_ms=1500"});
  RawClient c(sim.port());
  ASSERT_TRUE(c.send(hex(kProductionSnrm)));
  EXPECT_TRUE(c.read_some(300ms).empty());
  auto ua = c.read_frame(10s);
  ASSERT_TRUE(ua);
  EXPECT_EQ(sim.count(1, "slow"), 1U);
}

TEST(SimFaultsTest, close_on_accept_closes_without_a_byte) {
  SimProcess sim({"--fault", "close_on_accept=true"});
  RawClient c(sim.port());
  EXPECT_TRUE(c.wait_closed());
  EXPECT_TRUE(c.raw().empty());
  EXPECT_TRUE(testing_support::wait_until([&] { return sim.count(1, "close_on_accept") == 1; }, 5s));
}

TEST(SimFaultsTest, refuse_on_a_per_meter_port_closes_the_listener_until_reset) {
  SimProcess sim({"--meters", "2", "--ports", "consecutive", "--fault", "refuse=true", "--fault-meters", "2"});
  ASSERT_EQ(sim.last_port(), sim.port() + 1);
  RawClient ok(sim.port());
  ASSERT_TRUE(ok.send(hex(kProductionSnrm)));
  EXPECT_TRUE(ok.read_frame());
  RawClient refused;
  EXPECT_FALSE(refused.connect(sim.last_port()));
  EXPECT_EQ(sim.count(2, "refuse"), 1U);
  sim.post("/api/v1/meters/2/reset");
  EXPECT_TRUE(refused.connect(sim.last_port()));
  ASSERT_TRUE(refused.send(hex(kProductionSnrm)));
  EXPECT_TRUE(refused.read_frame());
  sim.post("/api/v1/meters/2/faults", R"({"refuse":true})");
  RawClient again;
  EXPECT_FALSE(again.connect(sim.last_port()));
  EXPECT_EQ(sim.count(2, "refuse"), 2U);
}

TEST(SimFaultsTest, refuse_on_the_shared_port_closes_after_the_first_frame_for_that_meter) {
  SimProcess sim({"--meters", "3"});
  sim.post("/api/v1/meters/2/faults", R"({"refuse":true})");
  RawClient c(sim.port());
  ASSERT_TRUE(c.send(snrm(1, 2, 4)));
  EXPECT_TRUE(c.wait_closed());
  EXPECT_TRUE(c.raw().empty());
  RawClient other(sim.port());
  ASSERT_TRUE(other.send(snrm(1, 3, 4)));
  EXPECT_TRUE(other.read_frame());
  EXPECT_EQ(sim.count(2, "refuse"), 1U);
  EXPECT_EQ(sim.count(3, "refuse"), 0U);
}

TEST(SimFaultsTest, silent_meter_answers_nothing_until_reset) {
  SimProcess sim({});
  RawClient c(sim.port());
  sim.post("/api/v1/meters/1/faults", R"({"silent":true})");
  ASSERT_TRUE(c.send(hex(kProductionSnrm)));
  EXPECT_FALSE(c.read_frame(500ms));
  EXPECT_FALSE(c.eof());
  EXPECT_EQ(sim.count(1, "silent"), 1U);
  auto meter = sim.post("/api/v1/meters/1/reset");
  EXPECT_EQ(meter["silent"], false);
  ASSERT_TRUE(c.send(hex(kProductionSnrm)));
  EXPECT_TRUE(c.read_frame());
}

TEST(SimFaultsTest, silent_after_n_requests) {
  SimProcess sim({"--fault", "silent_after=2"});
  RawClient c(sim.port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(c.send(hex(kProductionSnrm)));
    EXPECT_TRUE(c.read_frame()) << i;
  }
  ASSERT_TRUE(c.send(hex(kProductionSnrm)));
  EXPECT_FALSE(c.read_frame(500ms));
  EXPECT_EQ(sim.count(1, "silent_after"), 1U);
  EXPECT_EQ(sim.get("/api/v1/meters/1")["silent"], true);
}

TEST(SimFaultsTest, random_disconnect_with_probability_one_closes_on_the_request) {
  SimProcess sim({"--fault", "disconnect=1"});
  RawClient c(sim.port());
  ASSERT_TRUE(c.send(hex(kProductionSnrm)));
  EXPECT_TRUE(c.wait_closed());
  EXPECT_TRUE(c.raw().empty());
  EXPECT_EQ(sim.count(1, "disconnect"), 1U);
}

TEST(SimFaultsTest, probabilistic_faults_follow_the_seed_and_are_all_counted) {
  SimProcess sim({"--fault", "corrupt_fcs=0.5", "--seed", "11"});
  RawClient c(sim.port());
  int bad = 0;
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(c.send(hex(kProductionSnrm)));
    std::size_t before = c.errors().size();
    auto f = c.read_frame(5s, true);
    if (!f) {
      ASSERT_EQ(c.errors().size(), before + 1) << i;
      ++bad;
    }
  }
  EXPECT_GT(bad, 5);
  EXPECT_LT(bad, 35);
  EXPECT_EQ(sim.count(1, "corrupt_fcs"), static_cast<std::uint64_t>(bad));
  auto totals = sim.get("/api/v1/counts");
  EXPECT_EQ(totals["total"]["corrupt_fcs"], bad);
}

TEST(SimFaultsTest, control_disconnect_closes_the_meters_connections) {
  SimProcess sim({"--meters", "2"});
  RawClient a(sim.port());
  ASSERT_TRUE(a.send(snrm(1, 1, 4)));
  ASSERT_TRUE(a.read_frame());
  RawClient b(sim.port());
  ASSERT_TRUE(b.send(snrm(1, 2, 4)));
  ASSERT_TRUE(b.read_frame());
  auto r = sim.post("/api/v1/meters/1/disconnect");
  EXPECT_EQ(r["closed"], 1);
  EXPECT_TRUE(a.wait_closed());
  ASSERT_TRUE(b.send(snrm(1, 2, 4)));
  EXPECT_TRUE(b.read_frame());
}

}  // namespace

namespace {

// The corrupt/clean pattern of 24 answers under corrupt_fcs=0.5.
std::string coin_flips(const std::vector<std::string>& args) {
  sim_it::SimProcess sim(args);
  sim_it::RawClient c(sim.port());
  std::string pattern;
  for (int i = 0; i < 24; ++i) {
    EXPECT_TRUE(c.send(sim_it::hex(sim_it::kProductionSnrm)));
    pattern += c.read_frame(std::chrono::seconds(5), true) ? '.' : 'x';
  }
  return pattern;
}

TEST(SimFaultsTest, same_seed_same_faults_from_the_command_line_or_the_scenario) {
  testing_support::TempDir dir;
  testing_support::write_file(dir / "s.toml", "seed = 7\n[defaults]\ncorrupt_fcs = 0.5\n");
  auto from_scenario = coin_flips({"--scenario", (dir / "s.toml").string()});
  auto from_cli = coin_flips({"--seed", "7", "--fault", "corrupt_fcs=0.5"});
  auto other = coin_flips({"--seed", "8", "--fault", "corrupt_fcs=0.5"});
  EXPECT_EQ(from_scenario, from_cli);
  EXPECT_NE(from_cli, other);
  EXPECT_NE(from_cli.find('x'), std::string::npos);
  EXPECT_NE(from_cli.find('.'), std::string::npos);
}

}  // namespace
