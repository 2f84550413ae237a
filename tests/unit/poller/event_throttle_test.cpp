#include "bridge/poller/event_throttle.h"

#include <gtest/gtest.h>

#include "fake_clock.h"

namespace bridge::poller {
namespace {

using testing::FakeClock;
using namespace std::chrono_literals;

TEST(EventThrottleTest, one_event_per_meter_and_category_per_five_minutes_with_repeat_count) {
  FakeClock clock;
  EventThrottle t;
  EXPECT_TRUE(t.admit("m1", "connection", clock.now).emit);
  for (int i = 0; i < 7; ++i) EXPECT_FALSE(t.admit("m1", "connection", clock.advance(30s)).emit);
  clock.now += 5min - 7 * 30s - 1ms;
  EXPECT_FALSE(t.admit("m1", "connection", clock.now).emit);
  auto d = t.admit("m1", "connection", clock.advance(1ms));
  EXPECT_TRUE(d.emit);
  EXPECT_EQ(d.suppressed, 8u);
  EXPECT_EQ(t.admit("m1", "connection", clock.advance(5min)).suppressed, 0u);
}

TEST(EventThrottleTest, keys_are_independent) {
  FakeClock clock;
  EventThrottle t;
  EXPECT_TRUE(t.admit("m1", "connection", clock.now).emit);
  EXPECT_TRUE(t.admit("m1", "hdlc", clock.now).emit);
  EXPECT_TRUE(t.admit("m2", "connection", clock.now).emit);
  EXPECT_TRUE(t.admit("m10", "connection", clock.now).emit);
  t.forget("m1");
  EXPECT_TRUE(t.admit("m1", "connection", clock.now).emit);
  EXPECT_FALSE(t.admit("m10", "connection", clock.now).emit);  // forget("m1") kept m10
}

}  // namespace
}  // namespace bridge::poller
