// Duration strings of the config file.
#include "bridge/config/duration.h"

#include <gtest/gtest.h>

namespace {

using bridge::config::Duration;
using bridge::config::format_duration;
using bridge::config::parse_duration;

struct Good {
  const char* text;
  long long ms;
};

class DurationGoodTest : public ::testing::TestWithParam<Good> {};

TEST_P(DurationGoodTest, parses_to_milliseconds) {
  auto r = parse_duration(GetParam().text);
  ASSERT_TRUE(r) << GetParam().text << ": " << r.error();
  EXPECT_EQ(r->count(), GetParam().ms) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(Forms, DurationGoodTest,
                         ::testing::Values(Good{"7s", 7000}, Good{"300ms", 300}, Good{"0.3s", 300}, Good{"5m", 300000},
                                           Good{"1h", 3600000}, Good{"1d", 86400000}, Good{"1h30m", 5400000},
                                           Good{"1.5s", 1500}, Good{"0", 0}, Good{"0s", 0}, Good{"2m0.5s", 120500},
                                           Good{"0.001s", 1}, Good{"0.5m", 30000}));

class DurationBadTest : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(DurationBadTest, is_rejected_with_a_reason) {
  auto r = parse_duration(GetParam().first);
  ASSERT_FALSE(r) << GetParam().first << " gave " << r->count();
  EXPECT_NE(r.error().find(GetParam().second), std::string::npos) << r.error();
}

INSTANTIATE_TEST_SUITE_P(Forms, DurationBadTest,
                         ::testing::Values(std::pair{"", "empty"}, std::pair{"7", "missing unit"},
                                           std::pair{"-5s", "negative"}, std::pair{"5 s", "unknown unit"},
                                           std::pair{"5sec", "unknown unit"}, std::pair{"s", "expected a number"},
                                           std::pair{"1.s", "digit expected"}, std::pair{"0.0001s", "finer than 1ms"},
                                           std::pair{"30m1h", "largest to smallest"},
                                           std::pair{"1s1s", "largest to smallest"},
                                           std::pair{"99999999999d", "too large"}));

TEST(DurationFormatTest, prints_the_shortest_exact_text_and_round_trips) {
  EXPECT_EQ(format_duration(Duration{7000}), "7s");
  EXPECT_EQ(format_duration(Duration{300}), "300ms");
  EXPECT_EQ(format_duration(Duration{1500}), "1s500ms");
  EXPECT_EQ(format_duration(Duration{5400000}), "1h30m");
  EXPECT_EQ(format_duration(Duration{0}), "0s");
  for (long long ms : {1LL, 999LL, 1000LL, 61001LL, 3600000LL, 90061001LL}) {
    auto r = parse_duration(format_duration(Duration{ms}));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->count(), ms);
  }
}

}  // namespace
