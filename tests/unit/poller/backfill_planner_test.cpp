// Backfill planning: gap, horizon, capture period and progress mark -> the ranges to read.
#include "bridge/poller/backfill_planner.h"

#include <gtest/gtest.h>

#include "fake_clock.h"

namespace bridge::poller {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kQ = 900'000;                    // a quarter hour in ms
constexpr std::int64_t kT0 = 1'764'460'800'000;         // 2025-11-30T00:00:00Z, a quarter boundary

BackfillInput input(std::int64_t now, std::optional<std::int64_t> mark, Duration horizon = 24h) {
  BackfillInput in;
  in.now_ms = now;
  in.mark_ms = mark;
  in.horizon = horizon;
  in.capture_period = 900s;
  return in;
}

TEST(BackfillPlanner, AGapOfFiveQuartersReadsExactlyTheFiveCapturesAfterTheMark) {
  // Mark at 00:00, meter now 01:17:30: captures 00:15 .. 01:15 are missing.
  const auto plan = plan_backfill(input(kT0 + 5 * kQ + 150'000, kT0));
  ASSERT_EQ(plan.reads.size(), 1u);
  EXPECT_EQ(plan.reads[0], (BackfillRange{kT0 + kQ, kT0 + 5 * kQ}));
  EXPECT_EQ(plan.expected_rows, 5u);
  EXPECT_EQ(plan.given_up_ms, 0);
}

TEST(BackfillPlanner, NothingToReadBeforeTheNextCapture) {
  // The newest capture is the mark itself: the current quarter is not closed yet.
  EXPECT_TRUE(plan_backfill(input(kT0 + kQ - 1, kT0)).reads.empty());
  // At the boundary the next capture exists (both ends inclusive).
  const auto plan = plan_backfill(input(kT0 + kQ, kT0));
  ASSERT_EQ(plan.reads.size(), 1u);
  EXPECT_EQ(plan.reads[0], (BackfillRange{kT0 + kQ, kT0 + kQ}));
}

TEST(BackfillPlanner, AMarkBetweenCapturesStartsAtTheNextOne) {
  const auto plan = plan_backfill(input(kT0 + 3 * kQ, kT0 + 10'000));
  ASSERT_EQ(plan.reads.size(), 1u);
  EXPECT_EQ(plan.reads[0].from_ms, kT0 + kQ);
  EXPECT_EQ(plan.expected_rows, 3u);
}

TEST(BackfillPlanner, TheHorizonBoundsAGapAndSaysWhatWasGivenUp) {
  // Mark two days old, horizon 6 h: read the last 6 h only, report the rest.
  const std::int64_t now = kT0 + 2 * 96 * kQ;
  const auto plan = plan_backfill(input(now, kT0, 6h));
  ASSERT_FALSE(plan.reads.empty());
  EXPECT_EQ(plan.reads.front().from_ms, now - 6 * 4 * kQ);
  EXPECT_EQ(plan.reads.back().to_ms, now);
  EXPECT_EQ(plan.expected_rows, 25u);  // 6 h of quarters, both ends inclusive
  EXPECT_EQ(plan.given_up_ms, (now - 6 * 4 * kQ) - (kT0 + 1));
}

TEST(BackfillPlanner, WithoutAMarkTheHorizonIsTheStart) {
  const std::int64_t now = kT0 + 8 * kQ + 5'000;
  const auto plan = plan_backfill(input(now, std::nullopt, 2h));
  ASSERT_EQ(plan.reads.size(), 1u);
  EXPECT_EQ(plan.reads[0], (BackfillRange{kT0 + kQ, kT0 + 8 * kQ}));  // 00:00:05 rounds up to 00:15
  EXPECT_EQ(plan.given_up_ms, 0);
}

TEST(BackfillPlanner, LongGapsAreSplitIntoBoundedAdjacentReads) {
  auto in = input(kT0 + 250 * kQ, kT0, 7 * 24h);
  in.max_rows_per_read = 96;
  const auto plan = plan_backfill(in);
  ASSERT_EQ(plan.reads.size(), 3u);  // 250 rows = 96 + 96 + 58
  EXPECT_EQ(plan.reads[0], (BackfillRange{kT0 + kQ, kT0 + 96 * kQ}));
  EXPECT_EQ(plan.reads[1], (BackfillRange{kT0 + 97 * kQ, kT0 + 192 * kQ}));
  EXPECT_EQ(plan.reads[2], (BackfillRange{kT0 + 193 * kQ, kT0 + 250 * kQ}));
  EXPECT_EQ(plan.expected_rows, 250u);
}

TEST(BackfillPlanner, AnHourlyProfileAlignsToHours) {
  auto in = input(kT0 + 10 * kQ, kT0);  // 02:30
  in.capture_period = 3600s;
  const auto plan = plan_backfill(in);
  ASSERT_EQ(plan.reads.size(), 1u);
  EXPECT_EQ(plan.reads[0], (BackfillRange{kT0 + 4 * kQ, kT0 + 8 * kQ}));  // 01:00 .. 02:00
  EXPECT_EQ(plan.expected_rows, 2u);
}

TEST(BackfillPlanner, AnAsynchronousProfileIsOneRangeToNowFromTheNextSecond) {
  auto in = input(kT0 + 5 * kQ + 123, kT0 + 2'500);
  in.capture_period = 0s;
  const auto plan = plan_backfill(in);
  ASSERT_EQ(plan.reads.size(), 1u);
  EXPECT_EQ(plan.reads[0], (BackfillRange{kT0 + 3'000, kT0 + 5 * kQ + 123}));
  EXPECT_EQ(plan.expected_rows, 0u);
}

TEST(BackfillPlanner, AMeterClockSetBackBehindTheMarkReadsNothing) {
  // Rows it stamps now are older than rows already published: never published twice.
  EXPECT_TRUE(plan_backfill(input(kT0 - 3 * kQ, kT0)).reads.empty());
}

TEST(BackfillPlanner, FollowsAFakeClockThroughAnOutage) {
  testing::FakeClock steady;
  std::int64_t wall = kT0;
  std::optional<std::int64_t> mark = kT0;
  const auto associated = steady.now;
  // Associated: the first read is due at once, then every interval.
  EXPECT_EQ(next_profile_read(std::nullopt, associated, 15min), associated);
  auto last_read = steady.now;
  EXPECT_EQ(next_profile_read(last_read, associated, 15min), last_read + 15min);
  // Outage of 1 h 10 min; the association after it reads at once.
  steady.advance(70min);
  wall += 70 * 60'000;
  const auto reassociated = steady.now;
  EXPECT_EQ(next_profile_read(last_read, reassociated, 15min), reassociated);
  const auto plan = plan_backfill(input(wall, mark));
  EXPECT_EQ(plan.expected_rows, 4u);  // 00:15, 00:30, 00:45, 01:00
  ASSERT_EQ(plan.reads.size(), 1u);
  mark = plan.reads.back().to_ms;
  // The next read, 15 min later, finds exactly the one new capture.
  steady.advance(15min);
  wall += 15 * 60'000;
  const auto next = plan_backfill(input(wall, mark));
  EXPECT_EQ(next.expected_rows, 1u);
  ASSERT_EQ(next.reads.size(), 1u);
  EXPECT_EQ(next.reads[0], (BackfillRange{kT0 + 5 * kQ, kT0 + 5 * kQ}));
}

}  // namespace
}  // namespace bridge::poller
