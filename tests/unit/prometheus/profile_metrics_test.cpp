// Load-profile backfill metrics: rows read, last row time, and the lag that grows during an outage.
#include "bridge/prometheus/profile_metrics.h"

#include <gtest/gtest.h>

#include "exposition_parser.h"

namespace {

using bridge::prometheus::ProfileMetrics;
using bridge::prometheus::TextWriter;

test_exposition::Parsed scrape(const ProfileMetrics& m) {
  std::string text;
  TextWriter w(text);
  m.collect(w);
  return test_exposition::parse(text);
}

TEST(ProfileMetricsTest, series_start_at_zero_without_a_lag) {
  ProfileMetrics m([] { return std::int64_t{0}; });
  m.add_profile("m1", "1-0:99.1.0");
  const auto p = scrape(m);
  const std::map<std::string, std::string> labels{{"meter", "m1"}, {"profile", "1-0:99.1.0"}};
  EXPECT_EQ(p.value("dlms_bridge_meter_profile_rows_total", labels), 0);
  EXPECT_EQ(p.value("dlms_bridge_meter_profile_last_row_timestamp_seconds", labels), 0);
  EXPECT_TRUE(p.find("dlms_bridge_meter_profile_backfill_lag_seconds").empty());
  EXPECT_EQ(p.type.at("dlms_bridge_meter_profile_rows_total"), "counter");
  EXPECT_EQ(p.type.at("dlms_bridge_meter_profile_backfill_lag_seconds"), "gauge");
}

TEST(ProfileMetricsTest, lag_grows_with_the_clock_and_drops_when_rows_arrive) {
  std::int64_t now = 1'764'460'800'000 + 120'000;  // two minutes after the 00:00 capture
  ProfileMetrics m([&] { return now; });
  m.add_rows_read("m1", "1-0:99.1.0", 4);
  m.set_last_row("m1", "1-0:99.1.0", 1'764'460'800'000);
  const std::map<std::string, std::string> labels{{"meter", "m1"}, {"profile", "1-0:99.1.0"}};
  auto p = scrape(m);
  EXPECT_EQ(p.value("dlms_bridge_meter_profile_rows_total", labels), 4);
  EXPECT_EQ(p.value("dlms_bridge_meter_profile_last_row_timestamp_seconds", labels), 1'764'460'800);
  EXPECT_EQ(p.value("dlms_bridge_meter_profile_backfill_lag_seconds", labels), 120);
  // An hour of outage: nothing read, the lag says so.
  now += 3'600'000;
  EXPECT_EQ(scrape(m).value("dlms_bridge_meter_profile_backfill_lag_seconds", labels), 3720);
  // The backfill brings the four missed quarters: lag back to two minutes.
  m.add_rows_read("m1", "1-0:99.1.0", 4);
  m.set_last_row("m1", "1-0:99.1.0", 1'764'460'800'000 + 4 * 900'000);
  p = scrape(m);
  EXPECT_EQ(p.value("dlms_bridge_meter_profile_rows_total", labels), 8);
  EXPECT_EQ(p.value("dlms_bridge_meter_profile_backfill_lag_seconds", labels), 120);
  // A mark never moves back (an older value loaded late does not undo a newer one).
  m.set_last_row("m1", "1-0:99.1.0", 1'764'460'800'000);
  EXPECT_EQ(m.snapshot("m1", "1-0:99.1.0").second, 1'764'460'800'000 + 4 * 900'000);
}

TEST(ProfileMetricsTest, read_failures_are_counted_by_a_bounded_reason) {
  ProfileMetrics m([] { return std::int64_t{0}; });
  m.add_profile("m1", "1-0:99.1.0");
  auto labels = [](const char* reason) {
    return std::map<std::string, std::string>{{"meter", "m1"}, {"profile", "1-0:99.1.0"}, {"reason", reason}};
  };
  auto p = scrape(m);
  EXPECT_EQ(p.type.at("dlms_bridge_meter_profile_read_failures_total"), "counter");
  EXPECT_EQ(p.find("dlms_bridge_meter_profile_read_failures_total").size(), 4u) << "every reason from the start, at 0";
  for (const char* reason : {"timeout", "closed", "protocol", "access_denied"}) {
    EXPECT_EQ(p.value("dlms_bridge_meter_profile_read_failures_total", labels(reason)), 0) << reason;
  }
  m.add_read_failure("m1", "1-0:99.1.0", bridge::labels::PollFailure::closed);
  m.add_read_failure("m1", "1-0:99.1.0", bridge::labels::PollFailure::access_denied);
  m.add_read_failure("m1", "1-0:99.1.0", bridge::labels::PollFailure::access_denied);
  // A reason a read on an open association cannot have stays inside the label set.
  m.add_read_failure("m1", "1-0:99.1.0", bridge::labels::PollFailure::busy);
  p = scrape(m);
  EXPECT_EQ(p.find("dlms_bridge_meter_profile_read_failures_total").size(), 4u);
  EXPECT_EQ(p.value("dlms_bridge_meter_profile_read_failures_total", labels("closed")), 1);
  EXPECT_EQ(p.value("dlms_bridge_meter_profile_read_failures_total", labels("access_denied")), 2);
  EXPECT_EQ(p.value("dlms_bridge_meter_profile_read_failures_total", labels("protocol")), 1);
  EXPECT_EQ(p.value("dlms_bridge_meter_profile_read_failures_total", labels("timeout")), 0);
}

TEST(ProfileMetricsTest, a_removed_meter_disappears) {
  ProfileMetrics m([] { return std::int64_t{0}; });
  m.add_profile("m1", "1-0:99.1.0");
  m.add_profile("m2", "1-0:99.1.0");
  m.remove_meter("m1");
  const auto p = scrape(m);
  EXPECT_TRUE(p.find("dlms_bridge_meter_profile_rows_total", {{"meter", "m1"}}).empty());
  EXPECT_EQ(p.find("dlms_bridge_meter_profile_rows_total", {{"meter", "m2"}}).size(), 1u);
}

}  // namespace
