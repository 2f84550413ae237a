#include "bridge/poller/rate_limiter.h"

#include <gtest/gtest.h>

#include <vector>

#include "fake_clock.h"

namespace bridge::poller {
namespace {

using testing::FakeClock;
using namespace std::chrono_literals;

TEST(ConnectionRateLimiterTest, unlimited_lets_everyone_start_now) {
  FakeClock clock;
  ConnectionRateLimiter l;
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(l.reserve(clock.now), clock.now);
}

TEST(ConnectionRateLimiterTest, spreads_a_stampede_at_the_configured_rate_after_the_burst) {
  FakeClock clock;
  ConnectionRateLimiter l(50.0, 5);  // 50/s = one every 20 ms, 5 at once
  std::vector<TimePoint> starts;
  for (int i = 0; i < 105; ++i) starts.push_back(l.reserve(clock.now));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(starts[i], clock.now);
  EXPECT_EQ(starts[5], clock.now + 20ms);
  EXPECT_EQ(starts[6], clock.now + 40ms);
  EXPECT_EQ(starts[104], clock.now + 100 * 20ms);  // 1000 meters at 50/s take 20 s
}

TEST(ConnectionRateLimiterTest, tokens_refill_while_idle_but_not_beyond_the_burst) {
  FakeClock clock;
  ConnectionRateLimiter l(10.0, 2);  // one every 100 ms
  l.reserve(clock.now);
  l.reserve(clock.now);
  EXPECT_EQ(l.reserve(clock.now), clock.now + 100ms);
  clock.advance(10s);
  EXPECT_EQ(l.reserve(clock.now), clock.now);
  EXPECT_EQ(l.reserve(clock.now), clock.now);
  EXPECT_EQ(l.reserve(clock.now), clock.now + 100ms);
}

TEST(ConcurrencyLimiterTest, caps_and_hands_slots_to_waiters_in_order) {
  ConcurrencyLimiter l(2);
  EXPECT_TRUE(l.try_acquire());
  EXPECT_TRUE(l.try_acquire());
  EXPECT_FALSE(l.try_acquire());
  std::vector<int> granted;
  l.wait([&] { granted.push_back(1); });
  l.wait([&] { granted.push_back(2); });
  EXPECT_EQ(l.waiting(), 2u);
  l.release();
  EXPECT_EQ(granted, std::vector<int>{1});
  EXPECT_EQ(l.in_use(), 2u);  // passed to waiter 1, not freed
  EXPECT_FALSE(l.try_acquire());  // waiter 2 comes first
  l.release();
  EXPECT_EQ(granted, (std::vector<int>{1, 2}));
  l.release();
  l.release();
  EXPECT_EQ(l.in_use(), 0u);
}

TEST(ConcurrencyLimiterTest, a_cancelled_waiter_is_never_granted) {
  ConcurrencyLimiter l(1);
  ASSERT_TRUE(l.try_acquire());
  bool first = false, second = false;
  auto id = l.wait([&] { first = true; });
  l.wait([&] { second = true; });
  EXPECT_TRUE(l.cancel(id));
  l.release();
  EXPECT_FALSE(first);
  EXPECT_TRUE(second);
  EXPECT_FALSE(l.cancel(id));
}

TEST(ConcurrencyLimiterTest, zero_cap_is_unlimited_and_raising_the_cap_grants_waiters) {
  ConcurrencyLimiter unlimited(0);
  for (int i = 0; i < 5000; ++i) ASSERT_TRUE(unlimited.try_acquire());
  ConcurrencyLimiter l(1);
  ASSERT_TRUE(l.try_acquire());
  bool granted = false;
  l.wait([&] { granted = true; });
  l.set_cap(2);
  EXPECT_TRUE(granted);
}

}  // namespace
}  // namespace bridge::poller
