#include "bridge/poller/backoff.h"

#include <gtest/gtest.h>

namespace bridge::poller {
namespace {

using namespace std::chrono_literals;

UniformRandom fixed(double v) {
  return [v] { return v; };
}

TEST(BackoffTest, defaults_wait_2_4_8_seconds_then_keep_doubling_up_to_the_cap) {
  Backoff b(BackoffPolicy{}, fixed(0.5));  // 0.5 = no jitter
  EXPECT_EQ(b.on_failure(), 2s);
  EXPECT_EQ(b.on_failure(), 4s);
  EXPECT_EQ(b.on_failure(), 8s);
  EXPECT_EQ(b.on_failure(), 16s);
  for (int i = 0; i < 100; ++i) b.on_failure();
  EXPECT_EQ(b.on_failure(), 300s);  // capped, never stops
  EXPECT_EQ(b.failures(), 105u);
}

TEST(BackoffTest, is_down_only_after_the_configured_attempts) {
  Backoff b(BackoffPolicy{}, fixed(0.5));
  b.on_failure();
  b.on_failure();
  EXPECT_FALSE(b.down());
  b.on_failure();
  EXPECT_TRUE(b.down());
  b.reset();
  EXPECT_FALSE(b.down());
  EXPECT_EQ(b.on_failure(), 2s);  // a success starts over from the initial wait
}

TEST(BackoffTest, jitter_stays_within_the_fraction_and_uses_the_injected_random) {
  BackoffPolicy p;
  p.jitter = 0.1;
  Backoff low(p, fixed(0.0));
  EXPECT_EQ(low.on_failure(), 1800ms);
  Backoff high(p, fixed(0.999999));
  EXPECT_EQ(high.on_failure(), 2200ms);
}

TEST(BackoffTest, jitter_never_exceeds_the_cap) {
  BackoffPolicy p;
  p.max = 10s;
  p.jitter = 0.5;
  Backoff b(p, fixed(0.999));
  for (int i = 0; i < 10; ++i) EXPECT_LE(b.on_failure(), 10s);
}

TEST(BackoffTest, base_delay_does_not_overflow_for_huge_failure_counts) {
  Backoff b(BackoffPolicy{}, fixed(0.5));
  EXPECT_EQ(b.base_delay(0), 0ms);
  EXPECT_EQ(b.base_delay(1), 2s);
  EXPECT_EQ(b.base_delay(4000000000u), 300s);
}

TEST(BackoffTest, default_random_spreads_a_fleet) {
  BackoffPolicy p;
  p.jitter = 0.5;
  Backoff a(p), b(p);
  bool differ = false;
  for (int i = 0; i < 20 && !differ; ++i) {
    a.reset();
    b.reset();
    differ = a.on_failure() != b.on_failure();
  }
  EXPECT_TRUE(differ);
}

TEST(BackoffTest, longest_delay_bounds_every_jittered_wait) {
  Backoff low(BackoffPolicy{}, fixed(0.0));
  Backoff high(BackoffPolicy{}, fixed(0.999999));
  for (std::uint32_t n = 1; n <= 12; ++n) {
    const auto lo = low.on_failure();
    const auto hi = high.on_failure();
    EXPECT_LE(lo, low.longest_delay(n));
    EXPECT_LE(hi, high.longest_delay(n));
    EXPECT_LE(high.longest_delay(n), 300s);
  }
  EXPECT_EQ(high.longest_delay(1), 2200ms);  // 2 s + 10 %
}

TEST(BackoffTest, shorten_wait_only_ever_brings_a_planned_wait_forward) {
  const TimePoint since = TimePoint{} + 1000h;
  EXPECT_EQ(shorten_wait(since, since + 125s, 5s), since + 5s);      // lowered backoff_max
  EXPECT_EQ(shorten_wait(since, since + 125s, 300s), since + 125s);  // raised: next wait only
  EXPECT_EQ(shorten_wait(since, since + 125s, -1s), since);
}

}  // namespace
}  // namespace bridge::poller
