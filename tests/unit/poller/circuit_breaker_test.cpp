#include "bridge/poller/circuit_breaker.h"

#include <gtest/gtest.h>

#include "fake_clock.h"

namespace bridge::poller {
namespace {

using testing::FakeClock;
using namespace std::chrono_literals;

TEST(CircuitBreakerTest, opens_on_the_tenth_reconnect_within_an_hour_not_before) {
  FakeClock clock;
  CircuitBreaker b;
  for (int i = 0; i < 9; ++i) {
    EXPECT_FALSE(b.record_reconnect(clock.now));
    clock.advance(5min);
  }
  EXPECT_TRUE(b.allow(clock.now));
  EXPECT_EQ(b.state(), BreakerState::closed);
  EXPECT_TRUE(b.record_reconnect(clock.now));  // 10th, 45 min after the first
  EXPECT_EQ(b.state(), BreakerState::open);
  EXPECT_FALSE(b.allow(clock.now));
  EXPECT_EQ(b.trips(), 1u);
}

TEST(CircuitBreakerTest, reconnects_older_than_the_window_do_not_count) {
  FakeClock clock;
  CircuitBreaker b;
  for (int i = 0; i < 9; ++i) b.record_reconnect(clock.now);
  clock.advance(1h);  // all nine slide out of the window
  EXPECT_FALSE(b.record_reconnect(clock.now));
  EXPECT_EQ(b.recent_reconnects(clock.now), 1u);
  EXPECT_EQ(b.state(), BreakerState::closed);
}

TEST(CircuitBreakerTest, half_opens_after_five_minutes_with_exactly_one_probe) {
  FakeClock clock;
  CircuitBreaker b;
  for (int i = 0; i < 10; ++i) b.record_reconnect(clock.now);
  ASSERT_TRUE(b.is_open());
  clock.advance(5min - 1ms);
  EXPECT_FALSE(b.allow(clock.now));
  clock.advance(1ms);
  EXPECT_TRUE(b.allow(clock.now));
  EXPECT_EQ(b.state(), BreakerState::half_open);
  EXPECT_FALSE(b.allow(clock.now));  // the probe is out: nobody else
}

TEST(CircuitBreakerTest, successful_probe_closes_and_clears_the_history) {
  FakeClock clock;
  CircuitBreaker b;
  for (int i = 0; i < 10; ++i) b.record_reconnect(clock.now);
  clock.advance(5min);
  ASSERT_TRUE(b.allow(clock.now));
  EXPECT_TRUE(b.record_success(clock.now));
  EXPECT_EQ(b.state(), BreakerState::closed);
  EXPECT_EQ(b.recent_reconnects(clock.now), 0u);
  EXPECT_FALSE(b.record_success(clock.now));  // no change the second time
  EXPECT_FALSE(b.record_reconnect(clock.now));  // one reconnect alone does not re-open it
}

TEST(CircuitBreakerTest, failed_probe_reopens_for_another_period_without_a_new_trip) {
  FakeClock clock;
  CircuitBreaker b;
  for (int i = 0; i < 10; ++i) b.record_reconnect(clock.now);
  clock.advance(5min);
  ASSERT_TRUE(b.allow(clock.now));
  EXPECT_TRUE(b.record_failure(clock.now));
  EXPECT_EQ(b.state(), BreakerState::open);
  EXPECT_EQ(b.open_until(), clock.now + 5min);
  EXPECT_EQ(b.trips(), 1u);
  clock.advance(5min);
  EXPECT_TRUE(b.allow(clock.now));
}

TEST(CircuitBreakerTest, failures_while_closed_change_nothing) {
  FakeClock clock;
  CircuitBreaker b;
  EXPECT_FALSE(b.record_failure(clock.now));
  EXPECT_EQ(b.state(), BreakerState::closed);
}

TEST(CircuitBreakerTest, policy_is_configurable) {
  FakeClock clock;
  CircuitBreaker b(BreakerPolicy{3, 10s, 1s});
  b.record_reconnect(clock.now);
  b.record_reconnect(clock.now);
  EXPECT_TRUE(b.record_reconnect(clock.now));
  clock.advance(1s);
  EXPECT_TRUE(b.allow(clock.now));
}

TEST(CircuitBreakerTest, labels) {
  EXPECT_EQ(to_label(BreakerState::closed), "closed");
  EXPECT_EQ(to_label(BreakerState::open), "open");
  EXPECT_EQ(to_label(BreakerState::half_open), "half_open");
}

TEST(CircuitBreakerTest, a_shorter_open_window_from_a_reload_applies_to_the_open_breaker) {
  FakeClock clock;
  CircuitBreaker b(BreakerPolicy{2, 1h, 5min});
  b.record_reconnect(clock.now);
  EXPECT_TRUE(b.record_reconnect(clock.now));
  const auto opened = clock.now;
  EXPECT_EQ(b.open_until(), opened + 5min);
  clock.advance(2min);
  b.set_policy(BreakerPolicy{2, 1h, 1min});  // already past: half-opens at once
  EXPECT_EQ(b.open_until(), opened + 1min);
  EXPECT_TRUE(b.allow(clock.now));
  EXPECT_EQ(b.state(), BreakerState::half_open);
  EXPECT_TRUE(b.record_failure(clock.now));  // open again for the new open_for
  EXPECT_EQ(b.open_until(), clock.now + 1min);
  b.set_policy(BreakerPolicy{2, 1h, 10min});  // a longer one does not extend the open window
  EXPECT_EQ(b.open_until(), clock.now + 1min);
}

}  // namespace
}  // namespace bridge::poller
