// Scripted fake broker (mosquitto test/lib style): the test decides when to PUBACK or hang up.
#include <gtest/gtest.h>

#include "exporter_fixture.h"

namespace mqtt_it {
namespace {

using bridge::mqtt::Mode;
using mqtt_testing::FakeBroker;
namespace ts = testing_support;

TEST(FakeBrokerTest, c2b_qos1_disconnect_before_puback_is_resent_with_dup_and_deleted_only_after_puback) {
  ts::TempDir dir;
  auto store = open_store(dir / "state.db");
  std::atomic<std::int64_t> outbox_at_first{-1}, outbox_at_resend{-1};
  FakeBroker broker([&](const FakeBroker::Publish& p) {
    if (p.connection == 1) {
      outbox_at_first = store->outbox_count();
      return FakeBroker::Action::drop;  // hang up before PUBACK
    }
    outbox_at_resend = store->outbox_count();
    return FakeBroker::Action::puback;
  });
  auto options = fast_options(broker.port(), Mode::topic);
  CountingObserver observer;
  bridge::mqtt::Exporter exporter(options, *store, nullptr, &observer);
  exporter.start();
  exporter.on_reading(numbered_reading("meter-1", 1));

  ASSERT_TRUE(broker.wait_for([](const auto& pubs) { return pubs.size() >= 2; }, 20s));
  ASSERT_TRUE(ts::wait_until([&] { return store->outbox_count() == 0; }, 10s));
  const auto pubs = broker.publishes();
  ASSERT_GE(pubs.size(), 2u);
  EXPECT_EQ(pubs[0].connection, 1);
  EXPECT_EQ(pubs[0].qos, 1);
  EXPECT_FALSE(pubs[0].dup);
  EXPECT_EQ(pubs[1].connection, 2);
  EXPECT_TRUE(pubs[1].dup);
  EXPECT_EQ(pubs[1].mid, pubs[0].mid);
  EXPECT_EQ(pubs[1].payload, pubs[0].payload);
  EXPECT_EQ(pubs[1].topic, "meters/meter-1/telemetry");
  // The row was still there when the message was sent and when it was resent.
  EXPECT_EQ(outbox_at_first.load(), 1);
  EXPECT_EQ(outbox_at_resend.load(), 1);
  exporter.stop(2s);
  const auto s = exporter.stats();
  EXPECT_EQ(s.readings_acked, 1u);
  EXPECT_EQ(s.messages_published, 1u);  // the resend is libmosquitto's, not a second publish
  EXPECT_GE(observer.failure("not_connected"), 1u);
  EXPECT_EQ(observer.reconnects.load(), 1u);
}

TEST(FakeBrokerTest, c2b_qos1_no_puback_times_out_and_is_republished_from_the_outbox) {
  ts::TempDir dir;
  auto store = open_store(dir / "state.db");
  FakeBroker broker([&](const FakeBroker::Publish& p) {
    return p.connection == 1 ? FakeBroker::Action::ignore : FakeBroker::Action::puback;
  });
  auto options = fast_options(broker.port(), Mode::topic);
  options.ack_timeout = 1s;
  CountingObserver observer;
  EventCollector events;
  bridge::mqtt::Exporter exporter(options, *store, &events, &observer);
  exporter.start();
  for (int n = 0; n < 3; ++n) exporter.on_reading(numbered_reading("meter-1", n));

  ASSERT_TRUE(ts::wait_until([&] { return store->outbox_count() == 0 && exporter.stats().readings_stored == 3; }, 20s));
  const auto pubs = broker.publishes();
  std::map<std::string, int> copies;
  for (const auto& p : pubs) copies[p.payload]++;
  EXPECT_EQ(copies.size(), 3u);
  for (const auto& [payload, n] : copies) EXPECT_EQ(n, 2) << payload;  // once unanswered, once acked
  EXPECT_GE(broker.connections(), 2);
  exporter.stop(2s);
  EXPECT_GE(exporter.stats().ack_timeouts, 1u);
  EXPECT_GE(observer.failure("timeout"), 1u);
  EXPECT_EQ(exporter.stats().readings_acked, 3u);
  EXPECT_TRUE(events.has("mqtt", bridge::Severity::warning, "PUBACK"));
}

TEST(FakeBrokerTest, inflight_window_bounds_what_libmosquitto_holds) {
  ts::TempDir dir;
  auto store = open_store(dir / "state.db");
  FakeBroker broker([](const FakeBroker::Publish&) { return FakeBroker::Action::ignore; });
  auto options = fast_options(broker.port(), Mode::topic);
  options.max_inflight = 5;
  options.ack_timeout = 60s;
  bridge::mqtt::Exporter exporter(options, *store);
  exporter.start();
  for (int n = 0; n < 40; ++n) exporter.on_reading(numbered_reading("meter-1", n));
  ASSERT_TRUE(broker.wait_for([](const auto& pubs) { return pubs.size() >= 5; }, 20s));
  // Nothing beyond the window is handed out while no PUBACK comes back.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(broker.publishes().size(), 5u);
  EXPECT_EQ(exporter.stats().inflight, 5u);
  EXPECT_EQ(store->outbox_count(), 40);
  exporter.stop(0ms);
}

}  // namespace
}  // namespace mqtt_it

namespace mqtt_it {
namespace {

TEST(FakeBrokerTest, a_reading_the_client_can_never_publish_is_dropped_counted_and_does_not_block_the_rest) {
  ts::TempDir dir;
  auto store = open_store(dir / "state.db");
  FakeBroker broker([](const FakeBroker::Publish&) { return FakeBroker::Action::puback; });
  auto options = fast_options(broker.port(), Mode::topic);
  CountingObserver observer;
  EventCollector events;
  bridge::mqtt::Exporter exporter(options, *store, &events, &observer);
  auto bad = numbered_reading("meter-2", 2);
  bad.device_name = "bad#name";  // a wildcard is not a valid PUBLISH topic: MOSQ_ERR_INVAL
  // Stored before start: all three are backlog and go out in one pass.
  exporter.on_reading(numbered_reading("meter-1", 1));
  exporter.on_reading(bad);
  exporter.on_reading(numbered_reading("meter-3", 3));
  exporter.start();
  ASSERT_TRUE(ts::wait_until([&] { return exporter.stats().readings_acked == 2 && store->outbox_count() == 0; }, 20s));
  std::set<std::string> topics;
  for (const auto& p : broker.publishes()) topics.insert(p.topic);
  EXPECT_EQ(topics, (std::set<std::string>{"meters/meter-1/telemetry", "meters/meter-3/telemetry"}));
  exporter.stop(1s);
  EXPECT_EQ(exporter.stats().dropped_rejected, 1u);
  EXPECT_EQ(observer.drops("rejected"), 1u);
  EXPECT_GE(observer.failure("rejected"), 1u);
  EXPECT_TRUE(events.has("mqtt", bridge::Severity::error, "rejected"));
}

}  // namespace
}  // namespace mqtt_it
