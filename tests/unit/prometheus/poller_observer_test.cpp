// prometheus::PollerMetricsObserver, the schedule accounting: what the poller's SlotRecords
// become on /metrics (per-meter due/missed counters, the fleet's start-lateness histogram).
#include "bridge/prometheus/poller_observer.h"

#include <gtest/gtest.h>

#include <memory>

#include "bridge/prometheus/exposition.h"
#include "exposition_parser.h"

namespace {

using namespace std::chrono_literals;
using bridge::poller::SlotRecord;
using bridge::prometheus::BridgeMetrics;
using bridge::prometheus::BuildInfo;
using bridge::prometheus::Exposition;
using bridge::prometheus::PollerMetricsObserver;

struct SlotMetrics : ::testing::Test {
  std::shared_ptr<BridgeMetrics> metrics = std::make_shared<BridgeMetrics>(BuildInfo{"1", "r", "b"});
  PollerMetricsObserver observer{*metrics};
  Exposition exposition;
  SlotMetrics() {
    exposition.add(metrics->registry());
    exposition.add(std::static_pointer_cast<const bridge::prometheus::Collector>(metrics));
  }
  test_exposition::Parsed scrape() const { return test_exposition::parse(exposition.render()); }
};

TEST_F(SlotMetrics, a_new_meter_owes_nothing_yet_and_both_counters_exist_at_zero) {
  observer.on_meter_added("m1", false);
  const auto p = scrape();
  EXPECT_EQ(p.value("dlms_bridge_meter_poll_slots_due_total", {{"meter", "m1"}}), 0);
  EXPECT_EQ(p.value("dlms_bridge_meter_poll_slots_missed_total", {{"meter", "m1"}}), 0);
  EXPECT_EQ(p.type.at("dlms_bridge_meter_poll_slots_due_total"), "counter");
  EXPECT_EQ(p.type.at("dlms_bridge_meter_poll_slots_missed_total"), "counter");
  EXPECT_EQ(p.value("dlms_bridge_poll_start_lateness_seconds_count"), 0);
}

TEST_F(SlotMetrics, records_add_up_per_meter_and_lateness_goes_to_the_fleet_histogram) {
  observer.on_meter_added("m1", false);
  observer.on_meter_added("m2", false);
  observer.on_slots({.meter = "m1", .due = 1, .missed = 0, .start_lateness = 3ms});     // on time
  observer.on_slots({.meter = "m1", .due = 1, .missed = 1, .start_lateness = 700ms});   // late start
  observer.on_slots({.meter = "m1", .due = 3, .missed = 3});                             // skipped / down
  observer.on_slots({.meter = "m2", .due = 0, .missed = 0, .start_lateness = 20s});     // written off earlier
  observer.on_slots({.meter = "gone", .due = 5, .missed = 5, .start_lateness = 1ms});   // removed meter
  const auto p = scrape();
  EXPECT_EQ(p.value("dlms_bridge_meter_poll_slots_due_total", {{"meter", "m1"}}), 5);
  EXPECT_EQ(p.value("dlms_bridge_meter_poll_slots_missed_total", {{"meter", "m1"}}), 4);
  EXPECT_EQ(p.value("dlms_bridge_meter_poll_slots_due_total", {{"meter", "m2"}}), 0);
  EXPECT_TRUE(p.find("dlms_bridge_meter_poll_slots_due_total", {{"meter", "gone"}}).empty());
  // One observation per started cycle, whichever meter (the removed one's too: the fleet's view).
  EXPECT_EQ(p.value("dlms_bridge_poll_start_lateness_seconds_count"), 4);
  EXPECT_NEAR(p.value("dlms_bridge_poll_start_lateness_seconds_sum"), 0.003 + 0.7 + 20 + 0.001, 1e-9);
  EXPECT_EQ(p.value("dlms_bridge_poll_start_lateness_seconds_bucket", {{"le", "0.005"}}), 2);
  EXPECT_EQ(p.value("dlms_bridge_poll_start_lateness_seconds_bucket", {{"le", "1"}}), 3);
  EXPECT_EQ(p.value("dlms_bridge_poll_start_lateness_seconds_bucket", {{"le", "30"}}), 4);
}

TEST_F(SlotMetrics, start_lateness_buckets_go_from_1ms_to_60s) {
  const auto p = scrape();
  std::vector<std::string> les;
  for (const auto& b : p.find("dlms_bridge_poll_start_lateness_seconds_bucket")) les.push_back(b.labels.at("le"));
  ASSERT_GE(les.size(), 3u);
  EXPECT_EQ(std::stod(les.front()), 0.001);
  EXPECT_EQ(std::stod(les[les.size() - 2]), 60.0);
  EXPECT_EQ(les.back(), "+Inf");
}

}  // namespace
