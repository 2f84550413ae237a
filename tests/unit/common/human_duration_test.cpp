#include "bridge/human_duration.h"

#include <gtest/gtest.h>

namespace {

using bridge::human_age;
using bridge::human_duration;
using std::chrono::milliseconds;

TEST(HumanDuration, config_defaults_read_as_words) {
  EXPECT_EQ(human_duration(milliseconds(3'600'000)), "1 h");
  EXPECT_EQ(human_duration(milliseconds(300'000)), "5 min");
  EXPECT_EQ(human_duration(milliseconds(600'000)), "10 min");
  EXPECT_EQ(human_duration(milliseconds(7'000)), "7 s");
  EXPECT_EQ(human_duration(milliseconds(86'400'000)), "1 d");
}

TEST(HumanDuration, a_second_unit_only_while_the_first_is_small) {
  EXPECT_EQ(human_duration(milliseconds(5'400'000)), "1 h 30 min");
  EXPECT_EQ(human_duration(milliseconds(150'000)), "2 min 30 s");
  EXPECT_EQ(human_duration(milliseconds(12 * 60'000 + 59'000)), "12 min");
  EXPECT_EQ(human_duration(milliseconds(2 * 86'400'000LL + 4 * 3'600'000LL)), "2 d 4 h");
  EXPECT_EQ(human_duration(milliseconds(3'600'000 + 1'000)), "1 h");  // seconds are noise at that scale
}

TEST(HumanDuration, never_rounds_up_into_the_next_unit) {
  EXPECT_EQ(human_duration(milliseconds(3'599'999)), "59 min");
  EXPECT_EQ(human_duration(milliseconds(59'999)), "59 s");
  EXPECT_EQ(human_duration(milliseconds(1'999)), "1.9 s");
}

TEST(HumanDuration, short_durations_keep_their_precision) {
  EXPECT_EQ(human_duration(milliseconds(0)), "0 ms");
  EXPECT_EQ(human_duration(milliseconds(350)), "350 ms");
  EXPECT_EQ(human_duration(milliseconds(1'500)), "1.5 s");
  EXPECT_EQ(human_duration(milliseconds(10'000)), "10 s");
  EXPECT_EQ(human_duration(milliseconds(-2'000)), "-2 s");
}

TEST(HumanAge, reads_as_time_ago) {
  EXPECT_EQ(human_age(0, 1'000'000), "never");
  EXPECT_EQ(human_age(1'000'000, 1'000'500), "just now");
  EXPECT_EQ(human_age(1'000'000, 1'000'000 + 12 * 60'000), "12 min ago");
}

}  // namespace
