// [[meter.profile]]: defaults, values, and every invalid entry reported at its line:column.
#include <gtest/gtest.h>

#include <string>

#include "bridge/config/config.h"
#include "bridge/config/diff.h"
#include "test_util.h"

namespace {

using namespace std::chrono_literals;
using bridge::config::load_string;

std::string meter_with(const std::string& extra) { return "[[meter]]\nid = \"m1\"\nhost = \"127.0.0.1\"\n" + extra; }

TEST(ProfileConfigTest, defaults_and_values) {
  auto cfg = config_test::load_ok(meter_with(
      "[[meter.profile]]\nobis = \"1-0:99.1.0\"\n"
      "[[meter.profile]]\nobis = \"1-0:99.2.0\"\nbackfill = \"2d\"\ninterval = \"1h\"\n"));
  ASSERT_EQ(cfg.meters.size(), 1u);
  const auto& p = cfg.meters[0].profiles;
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].obis.to_string(), "1-0:99.1.0");
  EXPECT_EQ(p[0].backfill, 24h);
  EXPECT_EQ(p[0].interval, 15min);
  EXPECT_EQ(p[1].obis.to_string(), "1-0:99.2.0");
  EXPECT_EQ(p[1].backfill, 48h);
  EXPECT_EQ(p[1].interval, 1h);
}

TEST(ProfileConfigTest, no_profile_means_none) {
  auto cfg = config_test::load_ok(meter_with(""));
  ASSERT_EQ(cfg.meters.size(), 1u);
  EXPECT_TRUE(cfg.meters[0].profiles.empty());
}

TEST(ProfileConfigTest, a_changed_profile_is_a_settings_change_not_a_reconnect) {
  auto before = config_test::load_ok(meter_with("[[meter.profile]]\nobis = \"1-0:99.1.0\"\n"));
  auto after = config_test::load_ok(meter_with("[[meter.profile]]\nobis = \"1-0:99.1.0\"\nbackfill = \"3d\"\n"));
  const auto d = bridge::config::diff_meters(before, after);
  EXPECT_TRUE(d.connection_changed.empty());
  ASSERT_EQ(d.settings_changed.size(), 1u);
  EXPECT_EQ(d.settings_changed[0], "m1");
}

struct BadProfile {
  const char* name;
  std::string extra;  // after the 3 meter lines: line 4 is "[[meter.profile]]"
  int line;
  int column;
  const char* message;
};

std::ostream& operator<<(std::ostream& os, const BadProfile& c) { return os << c.name; }

const BadProfile kBad[] = {
    {"missing_obis", "[[meter.profile]]\nbackfill = \"1d\"\n", 4, 1,
     "[[meter.profile]] of [[meter]] \"m1\" #1: missing \"obis\""},
    {"bad_obis", "[[meter.profile]]\nobis = \"1-0:99.1\"\n", 5, 8, "bad OBIS code \"1-0:99.1\""},
    {"backfill_not_a_duration", "[[meter.profile]]\nobis = \"1-0:99.1.0\"\nbackfill = 3600\n", 6, 12,
     "\"backfill\" in [[meter.profile]] of [[meter]] \"m1\" #1: expected a duration string"},
    {"zero_interval", "[[meter.profile]]\nobis = \"1-0:99.1.0\"\ninterval = \"0s\"\n", 6, 12,
     "\"interval\" in [[meter.profile]] of [[meter]] \"m1\" #1: must be greater than 0"},
    {"backfill_shorter_than_interval",
     "[[meter.profile]]\nobis = \"1-0:99.1.0\"\nbackfill = \"30m\"\ninterval = \"1h\"\n", 6, 12,
     "backfill (30m) is shorter than interval (1h)"},
    {"unknown_key", "[[meter.profile]]\nobis = \"1-0:99.1.0\"\nhorizon = \"1d\"\n", 6, 1,
     "unknown key \"horizon\" in [[meter.profile]] of [[meter]] \"m1\" #1"},
    {"duplicate_obis",
     "[[meter.profile]]\nobis = \"1-0:99.1.0\"\n[[meter.profile]]\nobis = \"1-0:99.1.0*255\"\n", 7, 8,
     "duplicate profile \"1-0:99.1.0\" in [[meter]] \"m1\" (first at line 4)"},
    {"not_a_table", "profile = [ 5 ]\n", 4, 13, "expected a table {obis, backfill, interval}, got an integer"},
};

class ProfileConfigErrorTest : public ::testing::TestWithParam<BadProfile> {};

TEST_P(ProfileConfigErrorTest, reports_message_at_line_and_column) {
  const BadProfile& c = GetParam();
  auto r = load_string(meter_with(c.extra), "bad.toml");
  ASSERT_FALSE(r) << "loaded although invalid:\n" << c.extra;
  bool found = false;
  for (const auto& e : r.error()) {
    if (e.message.find(c.message) == std::string::npos) continue;
    found = true;
    EXPECT_EQ(e.line, c.line) << e.to_string();
    EXPECT_EQ(e.column, c.column) << e.to_string();
  }
  EXPECT_TRUE(found) << "expected \"" << c.message << "\" among:\n" << config_test::all_errors(r.error());
}

INSTANTIATE_TEST_SUITE_P(Table, ProfileConfigErrorTest, ::testing::ValuesIn(kBad),
                         [](const ::testing::TestParamInfo<BadProfile>& info) { return std::string(info.param.name); });

}  // namespace
