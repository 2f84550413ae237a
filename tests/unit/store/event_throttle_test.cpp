#include "bridge/store/event_throttle.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "bridge/store/throttled_event_sink.h"

namespace bridge::store {
namespace {

using namespace std::chrono_literals;
constexpr std::int64_t kMin = 60'000;

TEST(EventThrottle, FirstEventEmitsThenRepeatsAreSuppressedWithinWindow) {
  EventThrottle t(5min);
  auto d = t.admit("m1", "hdlc", Severity::warning, 1'000);
  EXPECT_TRUE(d.emit);
  EXPECT_EQ(d.repeat_count, 0);
  for (int i = 1; i <= 7; ++i) {
    d = t.admit("m1", "hdlc", Severity::warning, 1'000 + i * 30'000);
    EXPECT_FALSE(d.emit) << i;
  }
  EXPECT_EQ(t.pending("m1", "hdlc"), 7);
}

TEST(EventThrottle, NextEventAfterWindowCarriesSuppressedCount) {
  EventThrottle t(5min);
  ASSERT_TRUE(t.admit("m1", "hdlc", Severity::warning, 0).emit);
  ASSERT_FALSE(t.admit("m1", "hdlc", Severity::warning, 1 * kMin).emit);
  ASSERT_FALSE(t.admit("m1", "hdlc", Severity::warning, 2 * kMin).emit);
  ASSERT_FALSE(t.admit("m1", "hdlc", Severity::warning, 5 * kMin - 1).emit);  // window is [0, 5min)
  auto d = t.admit("m1", "hdlc", Severity::warning, 5 * kMin);
  EXPECT_TRUE(d.emit);
  EXPECT_EQ(d.repeat_count, 3);
  EXPECT_EQ(t.pending("m1", "hdlc"), 0);
  // The emitted event opened a new window starting at 5 min.
  EXPECT_FALSE(t.admit("m1", "hdlc", Severity::warning, 9 * kMin).emit);
  d = t.admit("m1", "hdlc", Severity::warning, 10 * kMin);
  EXPECT_TRUE(d.emit);
  EXPECT_EQ(d.repeat_count, 1);
}

TEST(EventThrottle, KeysAreMeterPlusCategory) {
  EventThrottle t(5min);
  EXPECT_TRUE(t.admit("m1", "hdlc", Severity::warning, 0).emit);
  EXPECT_TRUE(t.admit("m2", "hdlc", Severity::warning, 1).emit);
  EXPECT_TRUE(t.admit("m1", "connection", Severity::warning, 2).emit);
  EXPECT_TRUE(t.admit("", "hdlc", Severity::warning, 3).emit);
  EXPECT_FALSE(t.admit("m1", "hdlc", Severity::warning, 4).emit);
  EXPECT_EQ(t.pending("m1", "hdlc"), 1);
  EXPECT_EQ(t.pending("m2", "hdlc"), 0);
  // "m1"+"hdlc" must not collide with "m1h"+"dlc".
  EXPECT_TRUE(t.admit("m1h", "dlc", Severity::warning, 5).emit);
}

TEST(EventThrottle, HigherSeverityIsNeverHidden) {
  EventThrottle t(5min);
  ASSERT_TRUE(t.admit("m1", "watchdog", Severity::warning, 0).emit);
  ASSERT_FALSE(t.admit("m1", "watchdog", Severity::warning, 10).emit);
  auto d = t.admit("m1", "watchdog", Severity::critical, 20);
  EXPECT_TRUE(d.emit);
  EXPECT_EQ(d.repeat_count, 1);
  // Same or lower severity inside the new window is suppressed again.
  EXPECT_FALSE(t.admit("m1", "watchdog", Severity::critical, 30).emit);
  EXPECT_FALSE(t.admit("m1", "watchdog", Severity::info, 40).emit);
  EXPECT_EQ(t.pending("m1", "watchdog"), 2);
}

TEST(EventThrottle, ClockGoingBackwardsReopensTheWindow) {
  EventThrottle t(5min);
  ASSERT_TRUE(t.admit("m1", "hdlc", Severity::info, 10 * kMin).emit);
  ASSERT_FALSE(t.admit("m1", "hdlc", Severity::info, 10 * kMin + 1).emit);
  auto d = t.admit("m1", "hdlc", Severity::info, 1 * kMin);  // wall clock stepped back
  EXPECT_TRUE(d.emit);
  EXPECT_EQ(d.repeat_count, 1);
}

TEST(EventThrottle, PruneForgetsIdleKeysButKeepsPendingCounts) {
  EventThrottle t(5min);
  t.admit("m1", "hdlc", Severity::info, 0);
  t.admit("m2", "hdlc", Severity::info, 0);
  t.admit("m2", "hdlc", Severity::info, 1);  // suppressed, pending
  EXPECT_EQ(t.tracked_keys(), 2u);
  t.prune(4 * kMin);
  EXPECT_EQ(t.tracked_keys(), 2u);  // windows still open
  t.prune(6 * kMin);
  EXPECT_EQ(t.tracked_keys(), 1u);  // m1 forgotten, m2 still owes a count
  auto d = t.admit("m2", "hdlc", Severity::info, 7 * kMin);
  EXPECT_TRUE(d.emit);
  EXPECT_EQ(d.repeat_count, 1);
}

TEST(ThrottledEventSink, ForwardsEmittedEventsWithRepeatCountUsingTheClock) {
  std::int64_t now = 0;
  std::vector<std::pair<std::string, std::int64_t>> got;
  ThrottledEventSink sink([&](const Event& e, std::int64_t repeats) { got.emplace_back(e.message, repeats); },
                          [&] { return now; }, 5min);
  Event e{.ts_ms = 0, .meter = "m1", .severity = Severity::error, .category = "connection", .message = "a", .details = ""};
  sink.on_event(e);
  e.message = "b";
  now = 1 * kMin;
  sink.on_event(e);
  e.message = "c";
  now = 6 * kMin;
  sink.on_event(e);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], (std::pair<std::string, std::int64_t>{"a", 0}));
  EXPECT_EQ(got[1], (std::pair<std::string, std::int64_t>{"c", 1}));
}

}  // namespace
}  // namespace bridge::store
