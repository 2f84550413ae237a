// The clock decisions: offset with half the round trip, status and deviation applied, when a
// sync is due and how far it may move the clock, and when the clock is read at all.
#include <gtest/gtest.h>

#include <cmath>

#include "bridge/poller/clock_check.h"

namespace {

using namespace std::chrono_literals;
using bridge::config::ClockMode;
using namespace bridge::poller;

const UtcTime kT0 = UtcTime{} + std::chrono::hours(24 * 20000);

MeterClockValue meter_at(UtcTime utc, std::int16_t deviation = -60, std::uint8_t status = 0) {
  return MeterClockValue{utc, deviation, status, "(meter)"};
}

TEST(ClockCheckTest, offset_is_meter_minus_bridge_at_the_middle_of_the_round_trip) {
  // Sent at T0, answered 400 ms later; the meter stamped T0 + 200 ms + 42 s.
  auto a = assess_clock(meter_at(kT0 + 42s + 200ms), kT0, kT0 + 400ms);
  EXPECT_EQ(a.quality, ClockQuality::ok);
  ASSERT_TRUE(a.offset_s);
  EXPECT_DOUBLE_EQ(*a.offset_s, 42.0);
  EXPECT_EQ(a.round_trip, 400ms);
  // A meter behind the bridge: negative.
  auto behind = assess_clock(meter_at(kT0 - 5s), kT0, kT0);
  EXPECT_DOUBLE_EQ(*behind.offset_s, -5.0);
}

TEST(ClockCheckTest, status_and_deviation_decide_whether_there_is_an_offset) {
  auto invalid = assess_clock(meter_at(kT0, -60, kClockInvalidValue), kT0, kT0);
  EXPECT_EQ(invalid.quality, ClockQuality::invalid);
  EXPECT_FALSE(invalid.offset_s);
  EXPECT_NE(invalid.problem.find("invalid"), std::string::npos);
  EXPECT_EQ(assess_clock(meter_at(kT0, -60, kClockInvalidStatus), kT0, kT0).quality, ClockQuality::invalid);
  auto doubtful = assess_clock(meter_at(kT0 + 3s, -60, kClockDoubtfulValue), kT0, kT0);
  EXPECT_EQ(doubtful.quality, ClockQuality::doubtful);
  EXPECT_DOUBLE_EQ(*doubtful.offset_s, 3.0);
  // Daylight saving (bit 7) and "not specified" (0xFF) are no problem.
  EXPECT_EQ(assess_clock(meter_at(kT0, -120, 0x80), kT0, kT0).quality, ClockQuality::ok);
  EXPECT_EQ(assess_clock(meter_at(kT0, 0, 0xFF), kT0, kT0).quality, ClockQuality::ok);
  auto zone = assess_clock(MeterClockValue{std::nullopt, kNoDeviation, 0, "x"}, kT0, kT0);
  EXPECT_EQ(zone.quality, ClockQuality::unknown_zone);
  auto incomplete = assess_clock(MeterClockValue{std::nullopt, 0, 0, "x"}, kT0, kT0);
  EXPECT_EQ(incomplete.quality, ClockQuality::incomplete);
}

ClockPolicy sync_policy() {
  return ClockPolicy{ClockMode::sync, 60, 10s, 5min};
}

TEST(ClockCheckTest, sync_only_beyond_max_offset_and_only_in_sync_mode) {
  const auto m = meter_at(kT0 + 9s);
  const auto a = assess_clock(m, kT0, kT0);
  EXPECT_FALSE(plan_clock_set(sync_policy(), m, a, kT0));
  const auto far = meter_at(kT0 + 11s);
  const auto fa = assess_clock(far, kT0, kT0);
  EXPECT_TRUE(plan_clock_set(sync_policy(), far, fa, kT0));
  ClockPolicy monitor = sync_policy();
  monitor.mode = ClockMode::monitor;
  EXPECT_FALSE(plan_clock_set(monitor, far, fa, kT0));
}

TEST(ClockCheckTest, a_sync_sets_the_bridge_time_at_arrival_in_the_meters_zone) {
  // Meter 42 s ahead, read with a 400 ms round trip; the SET leaves 1 s after the read came back.
  const auto m = meter_at(kT0 + 42s + 200ms, -60, 0x80 | kClockDoubtfulValue);
  const auto a = assess_clock(m, kT0, kT0 + 400ms);
  const auto set = plan_clock_set(sync_policy(), m, a, kT0 + 1400ms);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->target, kT0 + 1600ms);  // send time + half the round trip
  EXPECT_EQ(set->deviation, -60);
  EXPECT_EQ(set->status, 0x80);  // daylight saving kept, doubtful cleared
  EXPECT_DOUBLE_EQ(set->step_s, -42.0);
  EXPECT_FALSE(set->bounded);
}

TEST(ClockCheckTest, a_sync_moves_the_clock_by_at_most_max_step) {
  // 20 min behind, 5 min steps: the first sync leaves it 15 min behind.
  const auto m = meter_at(kT0 - 20min);
  const auto a = assess_clock(m, kT0, kT0);
  const auto set = plan_clock_set(sync_policy(), m, a, kT0);
  ASSERT_TRUE(set);
  EXPECT_TRUE(set->bounded);
  EXPECT_DOUBLE_EQ(set->step_s, 300.0);
  EXPECT_EQ(set->target, kT0 - 15min);
}

TEST(ClockCheckTest, an_invalid_clock_is_set_outright_and_an_unknown_zone_never) {
  const auto invalid = meter_at(kT0 - std::chrono::hours(24 * 365), 0, kClockInvalidValue);
  const auto set = plan_clock_set(sync_policy(), invalid, assess_clock(invalid, kT0, kT0 + 100ms), kT0 + 100ms);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->target, kT0 + 150ms);
  EXPECT_TRUE(std::isnan(set->step_s));
  const MeterClockValue zone{std::nullopt, kNoDeviation, 0, "x"};
  EXPECT_FALSE(plan_clock_set(sync_policy(), zone, assess_clock(zone, kT0, kT0), kT0));
}

TEST(ClockCheckTest, read_on_the_first_cycle_of_an_association_then_every_n_cycles) {
  ClockSchedule s(ClockPolicy{ClockMode::monitor, 3, 10s, 5min});
  s.on_associated();
  EXPECT_TRUE(s.due());
  s.on_cycle(true);
  EXPECT_FALSE(s.due());
  s.on_cycle(false);
  EXPECT_FALSE(s.due());
  s.on_cycle(false);
  EXPECT_TRUE(s.due());  // the third cycle after the check
  s.on_cycle(true);
  EXPECT_FALSE(s.due());
  s.on_associated();  // a new association checks at once
  EXPECT_TRUE(s.due());
  s.set_policy(ClockPolicy{ClockMode::off, 3, 10s, 5min});
  EXPECT_FALSE(s.due());
}

}  // namespace
