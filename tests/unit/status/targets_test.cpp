#include "bridge/status/targets.h"

#include <gtest/gtest.h>

namespace {

using namespace bridge::status;

constexpr std::int64_t kHour = 3'600'000;

TEST(Targets, thresholds_are_the_alert_rules) {
  EXPECT_EQ(success_level(0.98), Level::ok);
  EXPECT_EQ(success_level(0.979), Level::warning);
  EXPECT_EQ(success_level(0.949), Level::critical);
  EXPECT_EQ(success_level(std::nullopt), Level::unknown);
  EXPECT_EQ(publish_level(0.95), Level::ok);
  EXPECT_EQ(publish_level(0.94), Level::warning);
  EXPECT_EQ(publish_level(0.89), Level::critical);
  EXPECT_EQ(latency_level(2'000), Level::ok);
  EXPECT_EQ(latency_level(2'001), Level::warning);
  EXPECT_EQ(latency_level(5'001), Level::critical);
  EXPECT_EQ(reconnects_level(1, kHour), Level::ok);
  EXPECT_EQ(reconnects_level(2, kHour), Level::warning);
  EXPECT_EQ(reconnects_level(10, kHour), Level::critical);
  EXPECT_EQ(hdlc_errors_level(5, kHour), Level::ok);
  EXPECT_EQ(hdlc_errors_level(6, kHour), Level::warning);
  EXPECT_EQ(hdlc_errors_level(16, kHour), Level::critical);
}

TEST(Targets, per_hour_targets_scale_with_a_shorter_window) {
  // 2 min window: under 2/h means under 0.067 per window, so one reconnect is already too many.
  EXPECT_EQ(reconnects_level(0, 120'000), Level::ok);
  EXPECT_NE(reconnects_level(1, 120'000), Level::ok);
}

TEST(Targets, percent_never_rounds_a_failure_up_to_100) {
  EXPECT_EQ(percent_text(0.9996), "99.9 %");
  EXPECT_EQ(percent_text(1.0), "100 %");
  EXPECT_EQ(percent_text(0.985), "98.5 %");
  EXPECT_EQ(percent_text(std::nullopt), "-");
}

TEST(Targets, summary_lists_every_figure_with_its_level_and_the_worst_overall) {
  FleetTrend t;
  t.figures.window_ms = kHour;
  t.figures.cycles = 100;
  t.figures.ok = 99;
  t.figures.latency_count = 1;
  t.figures.latency_bins[0] = 1;
  t.most_reconnects = 3;
  t.most_reconnects_meter = "demo-4";
  const auto j = summary_json(t, /*mqtt_enabled=*/false);
  ASSERT_EQ(j["figures"].size(), 5u);
  EXPECT_EQ(j["figures"][0]["key"], "success_ratio");
  EXPECT_EQ(j["figures"][0]["level"], "ok");
  EXPECT_EQ(j["figures"][0]["text"], "99 %");
  EXPECT_EQ(j["figures"][1]["text"], "MQTT off");
  EXPECT_EQ(j["figures"][3]["key"], "reconnects");
  EXPECT_EQ(j["figures"][3]["level"], "warning");
  EXPECT_NE(j["figures"][3]["detail"].get<std::string>().find("demo-4"), std::string::npos);
  EXPECT_EQ(j["figures"][3]["target"], "< 2/h per meter");
  EXPECT_EQ(j["level"], "warning");
  EXPECT_EQ(j["window"], "1 h");
}

}  // namespace
