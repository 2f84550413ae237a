#include "bridge/status/history.h"

#include <gtest/gtest.h>

namespace {

using bridge::poller::CycleRecord;
using bridge::poller::MeterCounters;
using bridge::status::FleetHistory;
using bridge::status::HistoryOptions;
using namespace std::chrono_literals;

constexpr std::int64_t kT0 = 1'700'000'040'000;  // a multiple of the 1-minute bucket

CycleRecord ok_cycle(const char* meter, std::int64_t ts, std::int64_t duration_ms, const MeterCounters* c = nullptr) {
  return {.meter = meter, .ts_ms = ts, .ok = true, .reading = true, .duration_ms = duration_ms, .counters = c};
}
CycleRecord failed_connect(const char* meter, std::int64_t ts, const MeterCounters* c = nullptr) {
  return {.meter = meter, .ts_ms = ts, .counters = c};
}

TEST(FleetHistory, success_ratio_counts_every_slot_over_the_window) {
  FleetHistory h;
  for (int i = 0; i < 9; ++i) h.on_cycle(ok_cycle("m1", kT0 + i * 5'000, 300));
  h.on_cycle(failed_connect("m1", kT0 + 50'000));
  const auto t = h.meter_trend("m1", kT0 + 55'000);
  EXPECT_EQ(t.figures.cycles, 10u);
  EXPECT_EQ(t.figures.ok, 9u);
  ASSERT_TRUE(t.figures.success_ratio());
  EXPECT_DOUBLE_EQ(*t.figures.success_ratio(), 0.9);
  EXPECT_EQ(t.figures.latency_count, 9u);  // the failed connect ran no read cycle
}

TEST(FleetHistory, is_bounded_and_forgets_what_left_the_window) {
  FleetHistory h(HistoryOptions{.window = 60min, .buckets = 60});
  // Two hours of one cycle per 10 s: only the last hour's buckets stay.
  for (std::int64_t ts = kT0; ts < kT0 + 2 * 3'600'000; ts += 10'000) h.on_cycle(failed_connect("m1", ts));
  const std::int64_t now = kT0 + 2 * 3'600'000;
  for (std::int64_t ts = now - 60'000; ts < now; ts += 10'000) h.on_cycle(ok_cycle("m1", ts, 100));
  const auto t = h.meter_trend("m1", now - 1);
  EXPECT_EQ(t.points.size(), 60u);
  // The last hour: 360 failed connects (one per 10 s) and the 6 ok cycles of its last minute.
  EXPECT_EQ(t.figures.cycles, 366u);
  EXPECT_EQ(t.figures.ok, 6u);
  EXPECT_EQ(t.points.front().start_ms, kT0 + 3'600'000);
}

TEST(FleetHistory, sparkline_points_are_one_per_bucket_oldest_first) {
  FleetHistory h(HistoryOptions{.window = 10min, .buckets = 10});
  h.on_cycle(ok_cycle("m1", kT0 + 5'000, 200));
  h.on_cycle(ok_cycle("m1", kT0 + 10'000, 400));
  h.on_cycle(failed_connect("m1", kT0 + 3 * 60'000));
  const auto t = h.meter_trend("m1", kT0 + 9 * 60'000 + 1);
  ASSERT_EQ(t.points.size(), 10u);
  EXPECT_EQ(t.points[0].start_ms, kT0);
  EXPECT_EQ(t.points[0].cycles, 2u);
  EXPECT_EQ(t.points[0].ok, 2u);
  EXPECT_EQ(t.points[0].latency_mean_ms, 300);
  EXPECT_EQ(t.points[0].latency_max_ms, 400);
  EXPECT_EQ(t.points[3].cycles, 1u);
  EXPECT_EQ(t.points[3].ok, 0u);
  EXPECT_EQ(t.points[3].latency_mean_ms, -1);
  EXPECT_EQ(t.points[5].cycles, 0u);  // nothing happened: a gap, not a zero
  EXPECT_EQ(t.points[9].start_ms, kT0 + 9 * 60'000);
}

TEST(FleetHistory, counters_become_increases_and_a_restart_counts_from_zero) {
  FleetHistory h;
  MeterCounters c;
  c.reconnects = 7;  // before the history started: not in the window
  c.hdlc_errors = 3;
  h.on_cycle(failed_connect("m1", kT0, &c));
  c.reconnects = 9;
  c.hdlc_errors = 4;
  h.on_cycle(failed_connect("m1", kT0 + 1'000, &c));
  MeterCounters restarted;  // the session was re-created by a reload
  restarted.reconnects = 1;
  h.on_cycle(failed_connect("m1", kT0 + 2'000, &restarted));
  const auto t = h.meter_trend("m1", kT0 + 3'000);
  EXPECT_EQ(t.figures.reconnects, 7u + 2u + 1u);
  EXPECT_EQ(t.figures.hdlc_errors, 3u + 1u);
}

TEST(FleetHistory, publish_ratio_uses_the_published_source_from_its_first_sample_on) {
  FleetHistory h;
  std::uint64_t acked = 100;  // acks before the history started: baseline only
  h.set_published_source([&](const std::string&) { return std::optional<std::uint64_t>(acked); });
  MeterCounters c;
  for (int i = 1; i <= 4; ++i) {
    c.readings = static_cast<std::uint64_t>(i);
    if (i > 1) acked += 1;  // the broker acknowledged the previous reading
    h.on_cycle(ok_cycle("m1", kT0 + i * 1'000, 100, &c));
  }
  const auto t = h.meter_trend("m1", kT0 + 5'000);
  EXPECT_TRUE(t.figures.published_known);
  EXPECT_EQ(t.figures.readings, 4u);
  EXPECT_EQ(t.figures.published, 3u);
  EXPECT_DOUBLE_EQ(*t.figures.publish_ratio(), 0.75);
}

TEST(FleetHistory, without_a_published_source_the_publish_ratio_is_unknown) {
  FleetHistory h;
  MeterCounters c;
  c.readings = 1;
  h.on_cycle(ok_cycle("m1", kT0, 100, &c));
  EXPECT_FALSE(h.meter_trend("m1", kT0 + 1).figures.publish_ratio());
  EXPECT_FALSE(h.fleet_trend(kT0 + 1).figures.publish_ratio());
}

TEST(FleetHistory, p95_latency_is_estimated_like_histogram_quantile) {
  FleetHistory h;
  for (int i = 0; i < 95; ++i) h.on_cycle(ok_cycle("m1", kT0 + i, 80));      // bin <= 100 ms
  for (int i = 0; i < 5; ++i) h.on_cycle(ok_cycle("m2", kT0 + i, 4'000));    // bin 2..5 s
  const auto f = h.fleet_trend(kT0 + 1'000);
  ASSERT_TRUE(f.figures.latency_p95_ms());
  EXPECT_EQ(*f.figures.latency_p95_ms(), 100);  // rank 95 is the last of the first bin
  h.on_cycle(ok_cycle("m2", kT0 + 10, 4'000));  // one more slow cycle: p95 now in the 2..5 s bin
  EXPECT_GT(*h.fleet_trend(kT0 + 1'000).figures.latency_p95_ms(), 2'000);
}

TEST(FleetHistory, p95_latency_never_exceeds_the_slowest_cycle) {
  FleetHistory h;
  for (int i = 0; i < 100; ++i) h.on_cycle(ok_cycle("m1", kT0 + i, i < 50 ? 1 : 3));  // all in the 0..100 ms bin
  EXPECT_EQ(*h.meter_trend("m1", kT0 + 1'000).figures.latency_p95_ms(), 3);  // not 95 from the bin's span
  EXPECT_EQ(*h.fleet_trend(kT0 + 1'000).figures.latency_p95_ms(), 3);
}

TEST(FleetHistory, fleet_figures_sum_the_meters_and_name_the_worst_one) {
  FleetHistory h;
  MeterCounters a, b;
  h.on_cycle(ok_cycle("a", kT0, 100, &a));
  h.on_cycle(ok_cycle("b", kT0, 100, &b));
  a.reconnects = 1;
  b.reconnects = 4;
  b.hdlc_errors = 6;
  h.on_cycle(ok_cycle("a", kT0 + 1'000, 100, &a));
  h.on_cycle(failed_connect("b", kT0 + 1'000, &b));
  const auto f = h.fleet_trend(kT0 + 2'000);
  EXPECT_EQ(f.figures.cycles, 4u);
  EXPECT_EQ(f.figures.ok, 3u);
  EXPECT_EQ(f.figures.reconnects, 5u);
  EXPECT_EQ(f.most_reconnects_meter, "b");
  EXPECT_EQ(f.most_reconnects, 4u);
  EXPECT_EQ(f.most_hdlc_errors_meter, "b");
}

TEST(FleetHistory, breaker_skips_count_as_failed_slots) {
  FleetHistory h;
  h.on_cycle({.meter = "m1", .ts_ms = kT0, .slots = 12});
  h.on_cycle(ok_cycle("m1", kT0 + 1'000, 100));
  const auto t = h.meter_trend("m1", kT0 + 2'000);
  EXPECT_EQ(t.figures.cycles, 13u);
  EXPECT_EQ(t.figures.ok, 1u);
}

TEST(FleetHistory, keeps_the_last_reading_and_forgets_removed_meters) {
  FleetHistory h;
  bridge::Reading r;
  r.meter = "m1";
  r.ts_ms = kT0;
  r.values.push_back({.key = "voltage_l1", .obis = "1-1:32.7.0.255", .value = 230.5, .raw = 23050, .scaler = -2, .unit = 35});
  h.on_reading(r);
  h.on_cycle(ok_cycle("m1", kT0, 100));
  auto t = h.meter_trend("m1", kT0 + 1);
  ASSERT_TRUE(t.last_reading);
  EXPECT_EQ(t.last_reading->values.at(0).value, 230.5);
  h.forget("m1");
  t = h.meter_trend("m1", kT0 + 1);
  EXPECT_FALSE(t.last_reading);
  EXPECT_EQ(t.figures.cycles, 0u);
}

TEST(FleetHistory, covered_time_says_how_much_of_the_window_the_figures_span) {
  FleetHistory h;
  h.on_cycle(ok_cycle("m1", kT0 + 10'000, 100));
  EXPECT_EQ(h.meter_trend("m1", kT0 + 190'000).figures.covered_ms, 180'000);
  EXPECT_EQ(h.meter_trend("m1", kT0 + 190'000).figures.window_ms, 3'600'000);
}

}  // namespace

namespace {

TEST(FleetHistory, a_meter_that_stopped_long_ago_shows_nothing_for_the_last_hour) {
  // A paused meter records nothing: its old buckets stay in the ring but are out of the window.
  FleetHistory h;
  for (int i = 0; i < 10; ++i) h.on_cycle(ok_cycle("m1", kT0 + i * 60'000, 100));
  const auto later = h.meter_trend("m1", kT0 + 2 * 3'600'000);
  EXPECT_EQ(later.figures.cycles, 0u);
  EXPECT_FALSE(later.figures.success_ratio());
  EXPECT_EQ(later.figures.covered_ms, 0);
  for (const auto& p : later.points) EXPECT_EQ(p.cycles, 0u);
  EXPECT_EQ(h.fleet_trend(kT0 + 2 * 3'600'000).figures.cycles, 0u);
}

}  // namespace

namespace {

TEST(FleetHistory, buckets_reused_by_later_minutes_start_empty_and_gaps_stay_gaps) {
  // The ring of 10 buckets: minute 10 and 11 reuse the slots of minutes 0 and 1.
  FleetHistory h(HistoryOptions{.window = 10min, .buckets = 10});
  h.on_cycle(ok_cycle("m1", kT0 + 5'000, 100));
  h.on_cycle(ok_cycle("m1", kT0 + 60'000 + 5'000, 100));
  h.on_cycle(failed_connect("m1", kT0 + 8 * 60'000));
  auto t = h.meter_trend("m1", kT0 + 9 * 60'000);
  EXPECT_EQ(t.figures.cycles, 3u);
  EXPECT_EQ(t.figures.covered_ms, 9 * 60'000 - 5'000);
  h.on_cycle(ok_cycle("m1", kT0 + 12 * 60'000, 300));
  t = h.meter_trend("m1", kT0 + 12 * 60'000 + 1);
  EXPECT_EQ(t.figures.cycles, 2u);  // minutes 8 and 12; 0 and 1 left the window
  EXPECT_EQ(t.figures.ok, 1u);
  EXPECT_EQ(t.points[7].cycles, 0u);  // minute 10 (the slot of minute 0)
  EXPECT_EQ(t.points[8].cycles, 0u);  // minute 11 (the slot of minute 1)
  EXPECT_EQ(t.points[5].cycles, 1u);  // minute 8
  EXPECT_EQ(t.points[9].latency_mean_ms, 300);
  EXPECT_EQ(t.figures.covered_ms, 4 * 60'000 + 1);  // from minute 8, the oldest bucket with a record
}

}  // namespace
