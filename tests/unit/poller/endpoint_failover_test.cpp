// Failover between a meter's endpoints: in order within a round, back to the primary after the
// holdback, on again if the primary still fails.
#include <gtest/gtest.h>

#include "bridge/poller/endpoint_failover.h"
#include "fake_clock.h"

namespace {

using namespace std::chrono_literals;
using bridge::poller::EndpointFailover;
using bridge::poller::TimePoint;
using bridge::poller::testing::FakeClock;

TEST(EndpointFailoverTest, a_single_endpoint_never_moves) {
  EndpointFailover f(1, 30min);
  EXPECT_FALSE(f.on_connect_failure());
  EXPECT_EQ(f.current(), 0u);
  EXPECT_EQ(f.return_due(), TimePoint::max());
}

TEST(EndpointFailoverTest, alternatives_are_tried_in_order_then_the_round_ends_at_the_primary) {
  EndpointFailover f(3, 30min);
  EXPECT_EQ(f.current(), 0u);
  EXPECT_TRUE(f.on_connect_failure());
  EXPECT_EQ(f.current(), 1u);
  EXPECT_TRUE(f.on_connect_failure());
  EXPECT_EQ(f.current(), 2u);
  EXPECT_FALSE(f.on_connect_failure());  // all three failed: back off
  EXPECT_EQ(f.current(), 0u);
}

TEST(EndpointFailoverTest, back_to_the_primary_after_the_holdback_and_on_again_if_it_still_fails) {
  FakeClock clock;
  EndpointFailover f(2, 30min);
  f.on_connect_failure();
  f.on_connected(clock.now);
  EXPECT_EQ(f.current(), 1u);
  EXPECT_EQ(f.return_due(), clock.now + 30min);
  clock.advance(30min);
  f.return_to_primary();
  EXPECT_EQ(f.current(), 0u);
  EXPECT_EQ(f.return_due(), TimePoint::max());
  // The primary is still down: straight on to the alternative, and a fresh holdback.
  EXPECT_TRUE(f.on_connect_failure());
  clock.advance(2s);
  f.on_connected(clock.now);
  EXPECT_EQ(f.return_due(), clock.now + 30min);
  // The primary answers on the next return.
  clock.advance(30min);
  f.return_to_primary();
  f.on_connected(clock.now);
  EXPECT_EQ(f.current(), 0u);
  EXPECT_EQ(f.return_due(), TimePoint::max());
}

TEST(EndpointFailoverTest, a_reload_that_removes_the_current_alternative_falls_back_to_the_primary) {
  EndpointFailover f(3, 30min);
  f.on_connect_failure();
  f.on_connect_failure();
  ASSERT_EQ(f.current(), 2u);
  f.set_policy(2, 1h);
  EXPECT_EQ(f.current(), 0u);
}

}  // namespace
