// The exporter's configured limits, each checked where breaking it would show: the paced replay
// of the backlog (replay_rate), the age cap of the outbox (outbox_max_age) and the size of a
// batched gateway message (max_payload_bytes).
#include <gtest/gtest.h>

#include "exporter_fixture.h"

namespace mqtt_it {
namespace {

using bridge::mqtt::Mode;
using mqtt_testing::FakeBroker;
using Clock = std::chrono::steady_clock;
namespace ts = testing_support;

// A token bucket started full (one second's worth) and refilled at `rate`: by time t after its
// start at most burst + rate * t readings can have gone out. The bucket starts after t0, so the
// bound computed from t0 only gets looser on a slow machine, never tighter.
TEST(ExporterLimitsTest, backlog_replay_is_paced_at_replay_rate) {
  constexpr double kRate = 50;
  constexpr int kBacklog = 200;
  ts::TempDir dir;
  auto store = open_store(dir / "state.db");
  {
    // The backlog: readings stored while no broker was reachable.
    bridge::mqtt::Exporter offline(fast_options(ts::free_port(), Mode::topic), *store);
    offline.start();
    for (int n = 0; n < kBacklog; ++n) offline.on_reading(numbered_reading("meter-1", n));
    ASSERT_TRUE(ts::wait_until([&] { return store->outbox_count() == kBacklog; }, 10s));
    offline.stop(0ms);
  }
  FakeBroker broker([](const FakeBroker::Publish&) { return FakeBroker::Action::puback; });
  auto options = fast_options(broker.port(), Mode::topic);  // one reading per message
  options.replay_rate = kRate;
  bridge::mqtt::Exporter exporter(options, *store);
  const auto t0 = Clock::now();
  exporter.start();
  std::size_t worst_excess = 0;
  std::size_t seen = 0;
  ASSERT_TRUE(ts::wait_until(
      [&] {
        seen = broker.publishes().size();
        const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
        const auto allowed = static_cast<std::size_t>(kRate + kRate * elapsed) + 1;
        if (seen > allowed) worst_excess = std::max(worst_excess, seen - allowed);
        return seen >= static_cast<std::size_t>(kBacklog);
      },
      30s))
      << seen << " of " << kBacklog << " published";
  EXPECT_EQ(worst_excess, 0u) << "more readings replayed than replay_rate allows";
  ASSERT_TRUE(ts::wait_until([&] { return store->outbox_count() == 0; }, 10s));
  exporter.stop(1s);
  EXPECT_EQ(exporter.stats().readings_replayed, static_cast<std::uint64_t>(kBacklog));
}

TEST(ExporterLimitsTest, rows_older_than_outbox_max_age_are_dropped_during_an_outage) {
  ts::TempDir dir;
  auto store = open_store(dir / "state.db");
  auto options = fast_options(ts::free_port(), Mode::gateway);  // nobody listens: an outage
  options.outbox_max_age = 300ms;
  options.outbox_max_messages = 0;
  CountingObserver observer;
  EventCollector events;
  bridge::mqtt::Exporter exporter(options, *store, &events, &observer);
  exporter.start();
  for (int n = 0; n < 20; ++n) exporter.on_reading(numbered_reading("meter-1", n));
  ASSERT_TRUE(ts::wait_until([&] { return exporter.stats().dropped_max_age == 20; }, 10s))
      << exporter.stats().dropped_max_age << " dropped, outbox " << store->outbox_count();
  EXPECT_EQ(store->outbox_count(), 0);
  EXPECT_EQ(exporter.stats().readings_stored, 20u);
  EXPECT_EQ(observer.drops("max_age"), 20u);
  EXPECT_EQ(observer.drops("max_messages"), 0u);
  EXPECT_TRUE(events.has("outbox", bridge::Severity::warning, "max_age"));
  exporter.stop(0ms);
}

TEST(ExporterLimitsTest, gateway_batches_stay_within_max_payload_bytes) {
  constexpr std::size_t kMaxBytes = 600;  // room for a handful of entries, not for 100
  ts::TempDir dir;
  auto store = open_store(dir / "state.db");
  FakeBroker broker([](const FakeBroker::Publish&) { return FakeBroker::Action::puback; });
  auto options = fast_options(broker.port(), Mode::gateway);
  options.max_readings_per_message = 100;
  options.max_payload_bytes = kMaxBytes;
  options.replay_rate = 0;
  bridge::mqtt::Exporter exporter(options, *store);
  // Stored before start: the backlog goes out in batches.
  for (int n = 0; n < 60; ++n) exporter.on_reading(numbered_reading("meter-" + std::to_string(n % 2), n));
  exporter.start();
  ASSERT_TRUE(ts::wait_until([&] { return exporter.stats().readings_acked == 60; }, 20s));
  std::vector<mqtt_testing::Received> telemetry;
  std::size_t max_entries = 0;
  for (const auto& p : broker.publishes()) {
    if (p.topic != "v1/gateway/telemetry") continue;
    telemetry.push_back({p.topic, p.payload});
    EXPECT_LE(p.payload.size(), kMaxBytes) << p.payload;
    std::size_t entries = 0;
    const auto parsed = nlohmann::json::parse(p.payload);
    for (const auto& [device, arr] : parsed.items()) entries += arr.size();
    max_entries = std::max(max_entries, entries);
  }
  EXPECT_GT(max_entries, 1u);  // still batched
  EXPECT_EQ(collect_gateway(telemetry).entries.size(), 60u);
  exporter.stop(1s);
}

}  // namespace
}  // namespace mqtt_it
