// Load-profile backfill end to end: dlms-bridge run against dlms-meter-sim's load profile
// (capture period 900 s) and mosquitto. A meter outage longer than three intervals, then a
// bridge restart: every missed quarter hour reaches MQTT exactly once, in order, stamped with
// the meter's clock, marked "backfill".
//
// The outage is made of two faults: the meter refuses connections, and meanwhile its clock
// moves an hour ahead (clock_offset_s), so four quarter hours pass on the meter without the
// test waiting an hour. The bridge's own clock never sees those instants: a row stamped there
// can only come from the meter.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "bridge/wall_clock.h"
#include "bridge_stack.h"
#include "mqtt_test_support.h"
#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using e2e::BridgeStack;
using e2e::StackOptions;
using nlohmann::json;
using testing_support::wait_until;

constexpr std::int64_t kQuarterMs = 900'000;

// Capture times of the backfilled entries, in arrival order (live readings left out).
std::vector<std::int64_t> backfilled(const std::vector<mqtt_testing::Received>& messages) {
  std::vector<std::int64_t> ts;
  for (const auto& m : messages) {
    if (m.topic != "v1/gateway/telemetry") continue;
    auto j = json::parse(m.payload, nullptr, false);
    if (!j.is_object()) continue;
    for (const auto& [device, entries] : j.items()) {
      for (const auto& e : entries) {
        if (e.value("backfill", false)) ts.push_back(e["ts"].get<std::int64_t>());
      }
    }
  }
  return ts;
}

// The newest capture of a meter whose clock is the host's plus offset_s.
std::int64_t newest_capture(std::int64_t offset_s) {
  const std::int64_t now = bridge::wall_ms() + offset_s * 1000;
  return now - now % kQuarterMs;
}

class BackfillE2E : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure() && stack_) std::cerr << stack_->logs();
  }

  // Waits until the newest backfilled row is the meter's newest capture (or a later one, when
  // a quarter hour passes meanwhile).
  bool caught_up(mqtt_testing::Subscriber& sub, std::int64_t offset_s) {
    return wait_until(
        [&] {
          const auto ts = backfilled(sub.messages());
          return !ts.empty() && ts.back() >= newest_capture(offset_s);
        },
        30s);
  }

  std::unique_ptr<BridgeStack> stack_;
};

TEST_F(BackfillE2E, an_outage_and_a_restart_leave_no_gap_and_no_duplicate_in_mqtt) {
  StackOptions options;
  options.meters = 1;
  // Appended after the meters: the profile belongs to m1.
  options.extra_config = "[[meter.profile]]\nobis = \"1-0:99.1.0\"\nbackfill = \"3h\"\ninterval = \"2s\"\n";
  stack_ = std::make_unique<BridgeStack>(options);
  auto& s = *stack_;
  mqtt_testing::Subscriber sub(s.mqtt_port(), "backfill-watcher", "v1/gateway/telemetry");
  ASSERT_TRUE(sub.wait_subscribed(10s));

  // First start, no progress mark: the last 3 h of the profile (the horizon).
  s.start_bridge();
  ASSERT_TRUE(s.wait_ready()) << s.logs();
  ASSERT_TRUE(caught_up(sub, 0)) << ::testing::PrintToString(backfilled(sub.messages()));
  const auto first = backfilled(sub.messages());
  EXPECT_GE(first.size(), 12u);
  EXPECT_LE(first.size(), 13u);
  EXPECT_GE(first.front(), bridge::wall_ms() - 3 * 3'600'000 - 60'000);

  // Outage: the meter refuses; meanwhile an hour passes on its clock (4 captures > 3 intervals).
  auto r = s.sim("POST", "/api/v1/meters/1/faults", R"({"refuse": true})");
  ASSERT_FALSE(r.contains("error")) << r.dump();
  s.sim("POST", "/api/v1/meters/1/disconnect");
  ASSERT_TRUE(wait_until([&] { return s.metric("dlms_bridge_meter_connected{meter=\"m1\"}") == 0.0; }, 20s))
      << s.metrics();
  r = s.sim("POST", "/api/v1/meters/1/faults", R"({"clock_offset_s": 3600})");
  ASSERT_FALSE(r.contains("error")) << r.dump();
  const auto before_gap = backfilled(sub.messages()).back();
  r = s.sim("POST", "/api/v1/meters/1/faults", R"({"refuse": false})");
  ASSERT_FALSE(r.contains("error")) << r.dump();
  ASSERT_TRUE(caught_up(sub, 3600)) << ::testing::PrintToString(backfilled(sub.messages()));
  const auto after_outage = backfilled(sub.messages());
  ASSERT_GE(after_outage.size(), first.size() + 4);
  // Stamped by the meter: an hour ahead of any time the bridge itself lived through.
  EXPECT_GE(after_outage.back(), before_gap + 4 * kQuarterMs);
  EXPECT_GT(after_outage.back(), bridge::wall_ms() + 30 * 60'000);

  // Restart: the bridge is down while another hour passes on the meter.
  s.bridge().stop(SIGTERM, 15s);
  r = s.sim("POST", "/api/v1/meters/1/faults", R"({"clock_offset_s": 7200})");
  ASSERT_FALSE(r.contains("error")) << r.dump();
  s.start_bridge();
  ASSERT_TRUE(s.wait_ready()) << s.logs();
  ASSERT_TRUE(caught_up(sub, 7200)) << ::testing::PrintToString(backfilled(sub.messages()));
  // A few more profile reads (every 2 s) must add nothing old.
  std::this_thread::sleep_for(5s);

  const auto all = backfilled(sub.messages());
  // Exactly once, in order, every quarter hour from the first to the last: no gap, no duplicate.
  ASSERT_GE(all.size(), first.size() + 8);
  std::set<std::int64_t> distinct(all.begin(), all.end());
  EXPECT_EQ(distinct.size(), all.size()) << "a row was published twice: " << ::testing::PrintToString(all);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i] % kQuarterMs, 0) << "not a capture time of the meter: " << all[i];
    if (i > 0) {
      EXPECT_EQ(all[i] - all[i - 1], kQuarterMs) << "gap or disorder at " << i << ": " << ::testing::PrintToString(all);
    }
  }
  EXPECT_GE(all.back(), newest_capture(7200) - kQuarterMs);

  // The metrics say the same.
  const std::string labels = "{meter=\"m1\",profile=\"1-0:99.1.0\"}";
  EXPECT_EQ(s.metric("dlms_bridge_meter_profile_last_row_timestamp_seconds" + labels),
            static_cast<double>(all.back()) / 1000.0)
      << s.metrics();
  EXPECT_GT(s.metric("dlms_bridge_meter_profile_rows_total" + labels).value_or(0), 0.0);
  // The meter's clock is two hours ahead of the scraper's: the lag is negative here.
  EXPECT_LT(s.metric("dlms_bridge_meter_profile_backfill_lag_seconds" + labels).value_or(1e9), 0.0);
}

}  // namespace
