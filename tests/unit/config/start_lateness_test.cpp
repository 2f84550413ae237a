// [qos] max_start_lateness (schedule accounting): default a tenth of the meter's own interval,
// a duration or "auto", per-meter overrides, and the values that cannot work.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bridge/config/config.h"
#include "bridge/config/summary.h"
#include "test_util.h"

namespace {

using namespace std::chrono_literals;

std::string errors_of(const std::string& text) {
  auto r = bridge::config::load_string(text, "test.toml");
  if (r) return "";
  return config_test::all_errors(r.error());
}

TEST(StartLatenessTest, defaults_to_a_tenth_of_each_meters_interval) {
  auto c = config_test::load_ok(
      "[qos]\npoll_interval = \"60s\"\n"
      "[[meter]]\nid = \"a\"\nhost = \"h\"\n"
      "[[meter]]\nid = \"b\"\nhost = \"h\"\npoll_interval = \"1s\"\n");
  EXPECT_FALSE(c.meters.at(0).qos.max_start_lateness.has_value());
  EXPECT_EQ(c.meters.at(0).qos.start_lateness_limit(), 6s);
  EXPECT_EQ(c.meters.at(1).qos.start_lateness_limit(), 100ms);
  const auto dump = nlohmann::json::parse(bridge::config::to_redacted_json(c));
  EXPECT_EQ(dump["qos"]["max_start_lateness"], "auto");
}

TEST(StartLatenessTest, fleet_value_meter_override_and_auto) {
  auto c = config_test::load_ok(
      "[qos]\npoll_interval = \"10s\"\nmax_start_lateness = \"2s\"\n"
      "[[meter]]\nid = \"a\"\nhost = \"h\"\n"
      "[[meter]]\nid = \"b\"\nhost = \"h\"\nmax_start_lateness = \"500ms\"\n"
      "[[meter]]\nid = \"c\"\nhost = \"h\"\nmax_start_lateness = \"auto\"\n");
  EXPECT_EQ(c.meters.at(0).qos.start_lateness_limit(), 2s);
  EXPECT_EQ(c.meters.at(1).qos.start_lateness_limit(), 500ms);
  EXPECT_EQ(c.meters.at(2).qos.start_lateness_limit(), 1s);
}

TEST(StartLatenessTest, bad_values_are_reported_at_their_key) {
  EXPECT_NE(errors_of("[qos]\nmax_start_lateness = \"0s\"\n[[meter]]\nid = \"a\"\nhost = \"h\"\n")
                .find("max_start_lateness"),
            std::string::npos);
  EXPECT_NE(errors_of("[qos]\nmax_start_lateness = \"soon\"\n[[meter]]\nid = \"a\"\nhost = \"h\"\n")
                .find("max_start_lateness"),
            std::string::npos);
  // Not below the interval: a slot late by a whole interval is skipped, never started late.
  const auto e = errors_of("[qos]\npoll_interval = \"5s\"\nmax_start_lateness = \"5s\"\n[[meter]]\nid = \"a\"\nhost = \"h\"\n");
  EXPECT_NE(e.find("max_start_lateness (5s) is not below poll_interval (5s)"), std::string::npos) << e;
  // A meter that shortens its interval below the fleet's limit is reported at its own key.
  const auto m = errors_of(
      "[qos]\npoll_interval = \"60s\"\nmax_start_lateness = \"10s\"\n"
      "[[meter]]\nid = \"a\"\nhost = \"h\"\npoll_interval = \"5s\"\n");
  EXPECT_NE(m.find("poll_interval"), std::string::npos) << m;
  EXPECT_NE(m.find("is not below"), std::string::npos) << m;
}

}  // namespace
