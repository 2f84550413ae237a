#include "bridge/mqtt/token_bucket.h"

#include <gtest/gtest.h>

namespace bridge::mqtt {
namespace {

using namespace std::chrono_literals;
using Clock = TokenBucket::Clock;

TEST(TokenBucketTest, starts_with_one_second_of_tokens_then_refills_at_the_rate) {
  const Clock::time_point t0{};
  TokenBucket bucket(100.0, 0.0, t0);
  EXPECT_EQ(bucket.take(1000, t0), 100u);
  EXPECT_EQ(bucket.take(1, t0), 0u);
  EXPECT_EQ(bucket.take(1000, t0 + 100ms), 10u);
  EXPECT_EQ(bucket.take(1000, t0 + 100ms), 0u);
  // Never more than the burst, however long it idles.
  EXPECT_EQ(bucket.take(1000, t0 + 1h), 100u);
}

TEST(TokenBucketTest, available_does_not_consume_and_consume_does) {
  const Clock::time_point t0{};
  TokenBucket bucket(10.0, 5.0, t0);
  EXPECT_EQ(bucket.available(t0), 5u);
  EXPECT_EQ(bucket.available(t0), 5u);
  bucket.consume(3);
  EXPECT_EQ(bucket.available(t0), 2u);
  bucket.consume(100);  // clamps at empty
  EXPECT_EQ(bucket.available(t0), 0u);
}

TEST(TokenBucketTest, time_to_next_says_when_one_token_is_back) {
  const Clock::time_point t0{};
  TokenBucket bucket(4.0, 1.0, t0);
  EXPECT_EQ(bucket.time_to_next(t0), Clock::duration::zero());
  EXPECT_EQ(bucket.take(1, t0), 1u);
  const auto wait = bucket.time_to_next(t0);
  EXPECT_GE(wait, 249ms);
  EXPECT_LE(wait, 251ms);
  EXPECT_EQ(bucket.take(1, t0 + wait), 1u);
}

TEST(TokenBucketTest, rate_zero_is_unlimited) {
  const Clock::time_point t0{};
  TokenBucket bucket(0.0, 0.0, t0);
  EXPECT_TRUE(bucket.unlimited());
  EXPECT_EQ(bucket.take(123456, t0), 123456u);
  EXPECT_EQ(bucket.time_to_next(t0), Clock::duration::zero());
}

TEST(TokenBucketTest, a_clock_going_backwards_adds_nothing) {
  const Clock::time_point t0 = Clock::time_point{} + 10s;
  TokenBucket bucket(10.0, 10.0, t0);
  EXPECT_EQ(bucket.take(10, t0), 10u);
  EXPECT_EQ(bucket.take(10, t0 - 5s), 0u);
}

}  // namespace
}  // namespace bridge::mqtt
