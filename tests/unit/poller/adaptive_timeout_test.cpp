// request_timeout = "auto": p99 x 3 of the recent responses, clamped, patient until measured,
// widening after timeouts.
#include <gtest/gtest.h>

#include "bridge/poller/adaptive_timeout.h"

namespace {

using namespace std::chrono_literals;
using bridge::poller::AdaptiveTimeout;
using bridge::poller::AdaptiveTimeoutPolicy;
using bridge::poller::Duration;

AdaptiveTimeoutPolicy auto_policy() {
  AdaptiveTimeoutPolicy p;
  p.enabled = true;
  p.fixed = 7s;
  p.min = 200ms;
  p.max = 20s;
  return p;
}

TEST(AdaptiveTimeoutTest, fixed_when_not_enabled) {
  AdaptiveTimeoutPolicy p = auto_policy();
  p.enabled = false;
  AdaptiveTimeout t(p);
  EXPECT_EQ(t.current(), 7s);
  for (int i = 0; i < 50; ++i) t.on_response(10ms);
  EXPECT_EQ(t.current(), 7s);
}

TEST(AdaptiveTimeoutTest, the_maximum_until_enough_responses_were_measured) {
  AdaptiveTimeout t(auto_policy());
  EXPECT_EQ(t.current(), 20s);
  for (int i = 0; i < 9; ++i) t.on_response(100ms);
  EXPECT_EQ(t.current(), 20s);
  t.on_response(100ms);
  EXPECT_EQ(t.current(), 300ms);  // p99 100 ms x 3
}

TEST(AdaptiveTimeoutTest, a_fast_meter_gets_the_minimum_and_a_slow_one_a_long_deadline) {
  AdaptiveTimeout fast(auto_policy());
  for (int i = 0; i < 20; ++i) fast.on_response(15ms);
  EXPECT_EQ(fast.current(), 200ms);  // 45 ms clamped up to min
  AdaptiveTimeout slow(auto_policy());
  for (int i = 0; i < 100; ++i) slow.on_response(Duration{1500 + (i % 10) * 50});
  EXPECT_EQ(slow.current(), 5850ms);  // p99 1950 ms x 3
  AdaptiveTimeout glacial(auto_policy());
  for (int i = 0; i < 20; ++i) glacial.on_response(9s);
  EXPECT_EQ(glacial.current(), 20s);  // clamped down to max
}

TEST(AdaptiveTimeoutTest, p99_ignores_a_rare_outlier_and_old_samples_age_out) {
  AdaptiveTimeout t(auto_policy());
  t.on_response(5s);  // one outlier, then 199 fast ones: the window keeps the last 100
  for (int i = 0; i < 199; ++i) t.on_response(100ms);
  EXPECT_EQ(t.current(), 300ms);
  // Within the window, one outlier in 100 is the p99 itself (nearest rank 99 of 100: the 99th).
  AdaptiveTimeout u(auto_policy());
  for (int i = 0; i < 99; ++i) u.on_response(100ms);
  u.on_response(5s);
  EXPECT_EQ(u.current(), 300ms);
}

TEST(AdaptiveTimeoutTest, a_timeout_widens_the_deadline) {
  AdaptiveTimeout t(auto_policy());
  for (int i = 0; i < 20; ++i) t.on_response(100ms);
  ASSERT_EQ(t.current(), 300ms);
  t.on_timeout();
  EXPECT_EQ(t.current(), 900ms);
  t.on_timeout();
  EXPECT_EQ(t.current(), 2700ms);
}

TEST(AdaptiveTimeoutTest, a_reload_keeps_the_measurements) {
  AdaptiveTimeout t(auto_policy());
  for (int i = 0; i < 20; ++i) t.on_response(100ms);
  AdaptiveTimeoutPolicy p = auto_policy();
  p.min = 1s;
  t.set_policy(p);
  EXPECT_EQ(t.current(), 1s);
  p.enabled = false;
  t.set_policy(p);
  EXPECT_EQ(t.current(), 7s);
}

}  // namespace
