// Exporter::stop(flush_timeout): what is in flight at shutdown is waited for (up to the
// timeout) and deleted only when acknowledged; what is not acknowledged stays in the outbox.
#include <gtest/gtest.h>

#include "exporter_fixture.h"

namespace mqtt_it {
namespace {

using bridge::mqtt::Mode;
using mqtt_testing::FakeBroker;
namespace ts = testing_support;

TEST(ExporterShutdownTest, stop_waits_for_the_pubacks_of_what_is_in_flight) {
  ts::TempDir dir;
  auto store = open_store(dir / "state.db");
  FakeBroker broker([](const FakeBroker::Publish&) { return FakeBroker::Action::delayed_puback; }, 700ms);
  auto options = fast_options(broker.port(), Mode::topic);
  bridge::mqtt::Exporter exporter(options, *store);
  exporter.start();
  ASSERT_TRUE(ts::wait_until([&] { return exporter.connected(); }, 10s));
  for (int n = 0; n < 10; ++n) exporter.on_reading(numbered_reading("meter-1", n));
  ASSERT_TRUE(broker.wait_for([](const auto& pubs) { return pubs.size() >= 10; }, 10s));
  ASSERT_LT(broker.acknowledged().size(), 10u);  // still in flight when stop begins
  exporter.stop(10s);
  EXPECT_EQ(broker.acknowledged().size(), 10u);
  EXPECT_EQ(exporter.stats().readings_acked, 10u);
  EXPECT_EQ(store->outbox_count(), 0);
}

TEST(ExporterShutdownTest, what_is_not_acknowledged_by_the_deadline_stays_in_the_outbox) {
  ts::TempDir dir;
  auto store = open_store(dir / "state.db");
  FakeBroker broker([](const FakeBroker::Publish&) { return FakeBroker::Action::ignore; });
  auto options = fast_options(broker.port(), Mode::topic);
  bridge::mqtt::Exporter exporter(options, *store);
  exporter.start();
  ASSERT_TRUE(ts::wait_until([&] { return exporter.connected(); }, 10s));
  for (int n = 0; n < 5; ++n) exporter.on_reading(numbered_reading("meter-1", n));
  ASSERT_TRUE(broker.wait_for([](const auto& pubs) { return pubs.size() >= 5; }, 10s));
  exporter.stop(300ms);
  EXPECT_EQ(exporter.stats().readings_acked, 0u);
  EXPECT_EQ(store->outbox_count(), 5);  // republished after the next start
}

}  // namespace
}  // namespace mqtt_it
