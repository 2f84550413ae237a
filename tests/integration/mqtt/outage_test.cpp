// Broker outage while 20 meters keep producing: nothing lost, duplicates only identical, per
// meter in order, outbox empty afterwards. The 60 s outage runs in bench/mqtt
// (mqtt_outage_soak --outage 60); ctest uses 20 s (MQTT_OUTAGE_SECONDS overrides).
#include <gtest/gtest.h>

#include <cstdlib>

#include "outage_scenario.h"

namespace {

TEST(OutageTest, readings_made_while_the_broker_is_down_all_arrive_exactly_once_in_content_and_in_order) {
  testing_support::TempDir dir;
  mqtt_testing::OutageParams p;
  p.meters = 20;
  p.period = std::chrono::milliseconds(1000);
  const char* env = std::getenv("MQTT_OUTAGE_SECONDS");
  p.outage = std::chrono::seconds(env != nullptr ? std::atoi(env) : 20);
  const auto r = mqtt_testing::run_outage_scenario(p, dir.path());
  EXPECT_TRUE(r.drained) << r.broker_log;
  EXPECT_GT(r.produced_during_outage, static_cast<std::size_t>(p.meters) * 10);
  EXPECT_EQ(r.missing, 0u);
  EXPECT_EQ(r.unexpected, 0u);
  EXPECT_EQ(r.distinct_received, r.produced);
  EXPECT_EQ(r.duplicates_differing, 0u);
  EXPECT_EQ(r.outage_out_of_order, 0u);
  EXPECT_EQ(r.outbox_left, 0);
  // The readings really waited in the outbox (the sample lags the producer by up to two rounds).
  EXPECT_GE(r.outbox_peak, static_cast<std::int64_t>(r.produced_during_outage) - 2 * p.meters);
  EXPECT_EQ(r.stats.readings_acked, r.produced);
  EXPECT_GE(r.stats.connects, 2u);
  EXPECT_EQ(r.stats.dropped_max_messages + r.stats.dropped_max_age + r.stats.dropped_store_error, 0u);
}

}  // namespace
