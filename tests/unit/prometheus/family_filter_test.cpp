// Series budget: family allow/deny lists and the per-meter totals without the breakdown label.
#include "bridge/prometheus/family_filter.h"

#include <gtest/gtest.h>

#include "bridge/prometheus/bridge_metrics.h"
#include "bridge/prometheus/exposition.h"
#include "bridge/prometheus/readings_collectable.h"
#include "exposition_parser.h"

namespace {

using bridge::prometheus::BridgeMetrics;
using bridge::prometheus::BuildInfo;
using bridge::prometheus::Exposition;
using bridge::prometheus::FamilyFilter;
namespace labels = bridge::labels;

struct Budget : ::testing::Test {
  std::shared_ptr<BridgeMetrics> metrics = std::make_shared<BridgeMetrics>(BuildInfo{"1.2.3", "abcdef", "main"});
  Exposition exposition;
  Budget() {
    exposition.add(metrics->registry());
    exposition.add(std::static_pointer_cast<const bridge::prometheus::Collector>(metrics));
    auto& m = metrics->add_meter("m1");
    m.poll_failure(labels::PollFailure::timeout).Increment(2);
    m.poll_failure(labels::PollFailure::circuit_open).Increment(3);
  }
  bool has(const std::string& text) const { return exposition.render().find(text) != std::string::npos; }
};

TEST_F(Budget, allowlist_serves_only_the_matching_families) {
  auto filter = FamilyFilter::make({"dlms_bridge_meter_up", "dlms_bridge_build_.*"}, {});
  ASSERT_TRUE(filter) << filter.error();
  exposition.set_filter(std::move(*filter));
  EXPECT_TRUE(has("# TYPE dlms_bridge_meter_up gauge\ndlms_bridge_meter_up{meter=\"m1\"} 0\n"));
  EXPECT_TRUE(has("dlms_bridge_build_info{"));
  EXPECT_FALSE(has("dlms_bridge_meter_polls_total"));
  EXPECT_FALSE(has("dlms_bridge_meter_up_"));  // full match: no prefix families
  EXPECT_FALSE(has("dlms_bridge_meter_poll_failures_total"));
}

TEST_F(Budget, denylist_drops_the_matching_families_whole) {
  auto filter = FamilyFilter::make({}, {"dlms_bridge_meter_poll_.*"});
  ASSERT_TRUE(filter) << filter.error();
  exposition.set_filter(std::move(*filter));
  EXPECT_FALSE(has("dlms_bridge_meter_poll_failures_total"));
  EXPECT_FALSE(has("dlms_bridge_meter_poll_duration_seconds"));
  EXPECT_TRUE(has("dlms_bridge_meter_polls_total{meter=\"m1\"} 0\n"));
  EXPECT_TRUE(has("dlms_bridge_meter_up{meter=\"m1\"}"));
}

TEST_F(Budget, a_denied_reading_family_goes_and_the_others_stay_whole) {
  auto readings = std::make_shared<bridge::prometheus::ReadingsCollectable>();
  exposition.add(std::static_pointer_cast<const bridge::prometheus::Collector>(readings));
  bridge::Reading r;
  r.meter = "m1";
  for (auto [obis, value, unit] : {std::tuple{"1-1:32.7.0.255", 230.1, 35}, {"1-1:31.7.0.255", 1.5, 33}}) {
    bridge::RegisterValue v;
    v.key = "k";
    v.obis = obis;
    v.value = value;
    v.unit = unit;
    r.values.push_back(v);
  }
  readings->on_reading(r);
  auto filter = FamilyFilter::make({}, {"dlms_bridge_reading_volts", "dlms_bridge_meter_.*"});
  ASSERT_TRUE(filter) << filter.error();
  exposition.set_filter(std::move(*filter));
  const auto parsed = test_exposition::parse(exposition.render());
  EXPECT_TRUE(parsed.find("dlms_bridge_reading_volts").empty());
  EXPECT_FALSE(parsed.help.contains("dlms_bridge_reading_volts"));
  EXPECT_DOUBLE_EQ(parsed.value("dlms_bridge_reading_amperes", {{"meter", "m1"}}), 1.5);
  EXPECT_EQ(parsed.type.at("dlms_bridge_reading_amperes"), "gauge");
  EXPECT_FALSE(parsed.help.contains("dlms_bridge_meter_up"));
  EXPECT_TRUE(parsed.help.contains("dlms_bridge_build_info"));  // prometheus-cpp registry families are filtered too
}

TEST(FamilyFilterMake, rejects_bad_patterns_and_both_lists) {
  auto bad = FamilyFilter::make({"dlms_bridge_(meter"}, {});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("\"dlms_bridge_(meter\" is not a regular expression"), std::string::npos) << bad.error();
  auto both = FamilyFilter::make({"a"}, {"b"});
  ASSERT_FALSE(both);
  EXPECT_NE(both.error().find("not both"), std::string::npos);
}

TEST_F(Budget, without_the_breakdown_each_meter_keeps_its_total) {
  EXPECT_TRUE(has("dlms_bridge_meter_poll_failures_total{meter=\"m1\",reason=\"timeout\"} 2\n"));
  metrics->set_per_meter_breakdown(false);
  EXPECT_TRUE(has("dlms_bridge_meter_poll_failures_total{meter=\"m1\"} 5\n"));
  EXPECT_FALSE(has("dlms_bridge_meter_poll_failures_total{meter=\"m1\",reason="));
  EXPECT_TRUE(has("dlms_bridge_meter_hdlc_errors_total{meter=\"m1\"} 0\n"));
  EXPECT_FALSE(has("dlms_bridge_meter_hdlc_errors_total{meter=\"m1\",kind="));
  EXPECT_FALSE(has("dlms_bridge_meter_reconnects_total{meter=\"m1\",cause="));
  // Watchdog trips keep their label: the bundled alerts select on watchdog="silence" etc.
  EXPECT_TRUE(has("dlms_bridge_meter_watchdog_trips_total{meter=\"m1\",watchdog=\"silence\"} 0\n"));
  EXPECT_TRUE(has("dlms_bridge_meter_polls_total{meter=\"m1\"} 0\n"));
}

}  // namespace
