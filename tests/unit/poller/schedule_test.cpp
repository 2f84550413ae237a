#include "bridge/poller/schedule.h"

#include <gtest/gtest.h>

#include "fake_clock.h"

namespace bridge::poller {
namespace {

using testing::FakeClock;
using namespace std::chrono_literals;

TEST(FixedRateScheduleTest, slots_are_start_plus_k_intervals_whatever_the_read_time) {
  FakeClock clock;
  const TimePoint start = clock.now;
  FixedRateSchedule s(start, 5s);
  for (int k = 0; k < 10; ++k) {
    ASSERT_EQ(s.next(), start + k * 5s);
    clock.now = s.next();
    auto slot = s.begin(clock.now);
    EXPECT_EQ(slot.index, static_cast<std::uint64_t>(k));
    EXPECT_TRUE(slot.on_time);
    EXPECT_EQ(s.finish(clock.advance(1234ms)), 0u);  // a 1.2 s read does not push the next slot
  }
  EXPECT_EQ(s.cycles(), 10u);
  EXPECT_EQ(s.on_time_cycles(), 10u);
  EXPECT_EQ(s.skipped(), 0u);
}

TEST(FixedRateScheduleTest, a_cycle_ending_exactly_at_the_next_slot_skips_nothing) {
  FakeClock clock;
  FixedRateSchedule s(clock.now, 1s);
  s.begin(clock.now);
  EXPECT_EQ(s.finish(clock.advance(1s)), 0u);
  EXPECT_EQ(s.next(), clock.now);
}

TEST(FixedRateScheduleTest, an_overrunning_cycle_skips_the_slot_it_ran_into) {
  FakeClock clock;
  const TimePoint start = clock.now;
  FixedRateSchedule s(start, 1s);
  s.begin(clock.now);
  EXPECT_EQ(s.finish(clock.advance(1001ms)), 1u);
  EXPECT_EQ(s.next(), start + 2s);  // no catch-up burst: wait for the next slot ahead
  clock.now = s.next();
  EXPECT_EQ(s.begin(clock.now).index, 2u);
  EXPECT_EQ(s.finish(clock.advance(3500ms)), 3u);  // ran through slots 3, 4 and 5
  EXPECT_EQ(s.next(), start + 6s);
  EXPECT_EQ(s.skipped(), 4u);
}

TEST(FixedRateScheduleTest, a_wake_up_more_than_one_interval_late_skips_the_lost_slots) {
  FakeClock clock;
  const TimePoint start = clock.now;
  FixedRateSchedule s(start, 1s);
  clock.advance(2300ms);
  auto slot = s.begin(clock.now);
  EXPECT_EQ(slot.skipped, 2u);
  EXPECT_EQ(slot.index, 2u);
  EXPECT_EQ(slot.lateness, 300ms);
  EXPECT_TRUE(slot.on_time);
  EXPECT_EQ(s.skipped(), 2u);
}

TEST(FixedRateScheduleTest, on_time_means_within_half_an_interval_by_default) {
  FakeClock clock;
  FixedRateSchedule s(clock.now, 1s);
  EXPECT_TRUE(s.begin(clock.now + 499ms).on_time);
  EXPECT_FALSE(s.begin(clock.now + 1s + 500ms).on_time);
  EXPECT_EQ(s.on_time_cycles(), 1u);
  FixedRateSchedule strict(clock.now, 1s, 50ms);
  EXPECT_FALSE(strict.begin(clock.now + 50ms).on_time);
}

TEST(FixedRateScheduleTest, restart_moves_the_grid_and_keeps_the_counters) {
  FakeClock clock;
  FixedRateSchedule s(clock.now, 1s);
  s.begin(clock.now);
  s.finish(clock.advance(1500ms));
  clock.advance(1h);  // paused for an hour: these slots are not "skipped"
  s.restart(clock.now, 2s);
  EXPECT_EQ(s.next(), clock.now);
  EXPECT_EQ(s.begin(clock.now).index, 0u);
  EXPECT_EQ(s.finish(clock.advance(100ms)), 0u);
  EXPECT_EQ(s.next(), clock.now - 100ms + 2s);
  EXPECT_EQ(s.skipped(), 1u);
  EXPECT_EQ(s.cycles(), 2u);
}

}  // namespace
}  // namespace bridge::poller
