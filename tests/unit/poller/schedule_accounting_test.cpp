// FixedRateSchedule's slot accounting on a fake clock: every slot is counted once, as due (and
// maybe missed) or excused, whatever order the session's calls come in
// (dlms_bridge_meter_poll_slots_{due,missed}_total).
#include <gtest/gtest.h>

#include "bridge/poller/schedule.h"
#include "fake_clock.h"

namespace bridge::poller {
namespace {

using testing::FakeClock;
using namespace std::chrono_literals;

TEST(ScheduleAccountingTest, every_slot_a_cycle_starts_for_is_due_once_and_on_time_within_a_tenth) {
  FakeClock clock;
  FixedRateSchedule s(clock.now, 5s);
  EXPECT_EQ(s.max_start_lateness(), 500ms);  // default: a tenth of the interval
  for (int k = 0; k < 4; ++k) {
    clock.now = s.next() + 400ms;  // late, but within the limit
    const auto slot = s.begin(clock.now);
    EXPECT_TRUE(slot.owed);
    EXPECT_FALSE(slot.missed);
    EXPECT_EQ(slot.lateness, 400ms);
    s.write_off(clock.advance(1s));  // the session's bookkeeping between cycles: nothing to write off
    EXPECT_EQ(s.finish(clock.now), 0u);
  }
  EXPECT_EQ(s.due(), 4u);
  EXPECT_EQ(s.missed(), 0u);
}

TEST(ScheduleAccountingTest, a_cycle_starting_later_than_max_start_lateness_misses_its_slot) {
  FakeClock clock;
  FixedRateSchedule s(clock.now, 10s);
  s.set_max_start_lateness(2s);
  EXPECT_FALSE(s.begin(clock.now + 2s).missed);  // exactly the limit: on time
  s.finish(clock.now + 3s);
  const auto late = s.begin(clock.now + 10s + 2001ms);
  EXPECT_TRUE(late.owed);
  EXPECT_TRUE(late.missed);
  EXPECT_EQ(s.due(), 2u);
  EXPECT_EQ(s.missed(), 1u);
}

TEST(ScheduleAccountingTest, slots_skipped_by_an_overrun_or_a_late_wake_up_are_due_and_missed) {
  FakeClock clock;
  const TimePoint start = clock.now;
  FixedRateSchedule s(start, 1s);
  s.begin(start);
  EXPECT_EQ(s.finish(start + 2500ms), 2u);  // ran into slots 1 and 2
  EXPECT_EQ(s.due(), 3u);
  EXPECT_EQ(s.missed(), 2u);
  // Slot 3 at 3 s; woken at 6.05 s: slots 3, 4, 5 passed, slot 6 starts 50 ms late (on time).
  const auto slot = s.begin(start + 6050ms);
  EXPECT_EQ(slot.index, 6u);
  EXPECT_EQ(slot.skipped, 3u);
  EXPECT_FALSE(slot.missed);
  EXPECT_EQ(s.due(), 7u);
  EXPECT_EQ(s.missed(), 5u);
}

TEST(ScheduleAccountingTest, a_meter_down_misses_its_slots_as_they_pass_and_a_late_cycle_is_not_counted_twice) {
  FakeClock clock;
  const TimePoint start = clock.now;
  FixedRateSchedule s(start, 1s);  // limit 100 ms
  s.write_off(start + 100ms);      // slot 0 can still start on time
  EXPECT_EQ(s.due(), 0u);
  s.write_off(start + 101ms);
  EXPECT_EQ(s.due(), 1u);
  s.write_off(start + 3500ms);     // slots 1, 2, 3 too
  EXPECT_EQ(s.due(), 4u);
  EXPECT_EQ(s.missed(), 4u);
  // Back at 3.5 s: the cycle runs for slot 3 (late), already counted missed.
  const auto slot = s.begin(start + 3500ms);
  EXPECT_EQ(slot.index, 3u);
  EXPECT_TRUE(slot.owed);
  EXPECT_FALSE(slot.missed);
  EXPECT_EQ(s.due(), 4u);
  EXPECT_EQ(s.missed(), 4u);
  s.finish(start + 3600ms);
  EXPECT_FALSE(s.begin(start + 4s).missed);
  EXPECT_EQ(s.due(), 5u);
  EXPECT_EQ(s.missed(), 4u);
}

TEST(ScheduleAccountingTest, excused_slots_owe_nothing_even_when_a_cycle_later_runs_for_one) {
  FakeClock clock;
  const TimePoint start = clock.now;
  FixedRateSchedule s(start, 1s);
  s.excuse_until(start + 2500ms);  // e.g. the breaker's open window: slots 0, 1, 2
  s.write_off(start + 2500ms);     // nothing left to write off before 2.5 s
  EXPECT_EQ(s.due(), 0u);
  EXPECT_EQ(s.missed(), 0u);
  const auto probe = s.begin(start + 2500ms);  // the probe's cycle, for slot 2
  EXPECT_EQ(probe.index, 2u);
  EXPECT_FALSE(probe.owed);
  EXPECT_EQ(s.due(), 0u);
  s.finish(start + 2600ms);
  s.write_off(start + 3200ms);  // slot 3 owed again, and nobody started it
  EXPECT_EQ(s.due(), 1u);
  EXPECT_EQ(s.missed(), 1u);
}

TEST(ScheduleAccountingTest, a_restarted_grid_does_not_owe_the_slots_of_the_old_one) {
  FakeClock clock;
  const TimePoint start = clock.now;
  FixedRateSchedule s(start, 1s);
  s.begin(start);
  s.finish(start + 100ms);
  // Paused at 0.5 s, resumed at 10 s: a fresh grid, the nine slots between are nobody's.
  s.restart(start + 10s);
  EXPECT_FALSE(s.begin(start + 10s).missed);
  EXPECT_EQ(s.due(), 2u);
  EXPECT_EQ(s.missed(), 0u);
  // A new interval recomputes the default limit (a tenth of it).
  s.restart(start + 20s, 10s);
  EXPECT_EQ(s.max_start_lateness(), 1s);
  s.set_max_start_lateness(3s);
  s.restart(start + 40s, 20s);
  EXPECT_EQ(s.max_start_lateness(), 3s);
}

}  // namespace
}  // namespace bridge::poller
