#include "bridge/poller/watchdogs.h"

#include <gtest/gtest.h>

#include "fake_clock.h"

namespace bridge::poller {
namespace {

using testing::FakeClock;
using namespace std::chrono_literals;

TEST(WatchdogsTest, silence_trips_ten_minutes_after_the_last_success_not_before) {
  FakeClock clock;
  Watchdogs w(WatchdogPolicy{}, clock.now);
  w.on_connected(clock.now);
  w.on_cycle(true, clock.now);
  clock.advance(10min - 1ms);
  EXPECT_EQ(w.check(clock.now), std::nullopt);
  clock.advance(1ms);
  EXPECT_EQ(w.check(clock.now), WatchdogTrip::silence);
  // Re-armed: the next report is a full period later.
  EXPECT_EQ(w.check(clock.now + 9min), std::nullopt);
  EXPECT_EQ(w.check(clock.now + 10min), WatchdogTrip::silence);
}

TEST(WatchdogsTest, silence_counts_from_start_for_a_meter_that_never_answered) {
  FakeClock clock;
  Watchdogs never(WatchdogPolicy{}, clock.now);
  never.on_cycle(false, clock.advance(9min));
  EXPECT_EQ(never.check(clock.now), std::nullopt);
  clock.advance(1min);
  EXPECT_EQ(never.check(clock.now), WatchdogTrip::silence);
}

TEST(WatchdogsTest, fifteen_hdlc_errors_in_a_row_trip_fourteen_do_not) {
  FakeClock clock;
  Watchdogs w(WatchdogPolicy{}, clock.now);
  for (int i = 0; i < 14; ++i) w.on_hdlc_error();
  EXPECT_EQ(w.check(clock.now), std::nullopt);
  w.on_hdlc_error();
  EXPECT_EQ(w.check(clock.now), WatchdogTrip::hdlc_errors);
  EXPECT_EQ(w.consecutive_hdlc_errors(), 0u);
}

TEST(WatchdogsTest, a_successful_read_ends_the_hdlc_error_streak) {
  FakeClock clock;
  Watchdogs w(WatchdogPolicy{}, clock.now);
  for (int i = 0; i < 14; ++i) w.on_hdlc_error();
  w.on_read_ok();
  w.on_hdlc_error();
  EXPECT_EQ(w.check(clock.now), std::nullopt);
  EXPECT_EQ(w.consecutive_hdlc_errors(), 1u);
}

TEST(WatchdogsTest, ten_failed_cycles_in_a_row_trip_and_a_good_cycle_resets_them) {
  FakeClock clock;
  Watchdogs w(WatchdogPolicy{}, clock.now);
  for (int i = 0; i < 9; ++i) w.on_cycle(false, clock.advance(5s));
  EXPECT_EQ(w.check(clock.now), std::nullopt);
  w.on_cycle(true, clock.advance(5s));
  for (int i = 0; i < 9; ++i) w.on_cycle(false, clock.advance(5s));
  EXPECT_EQ(w.check(clock.now), std::nullopt);
  w.on_cycle(false, clock.advance(5s));
  EXPECT_EQ(w.check(clock.now), WatchdogTrip::failed_cycles);
  EXPECT_EQ(w.check(clock.now), std::nullopt);
}

TEST(WatchdogsTest, preventive_reconnects_are_off_by_default) {
  FakeClock clock;
  Watchdogs w(WatchdogPolicy{}, clock.now);
  w.on_connected(clock.now);
  for (int i = 0; i < 1000; ++i) {
    w.on_read_ok();
    w.on_cycle(true, clock.advance(5s));
    ASSERT_EQ(w.check(clock.now), std::nullopt);
  }
}

TEST(WatchdogsTest, preventive_by_connection_age) {
  FakeClock clock;
  WatchdogPolicy p;
  p.max_connection_age = 30min;
  Watchdogs w(p, clock.now);
  w.on_connected(clock.now);
  w.on_cycle(true, clock.advance(29min));
  EXPECT_EQ(w.check(clock.now), std::nullopt);
  w.on_cycle(true, clock.advance(1min));
  EXPECT_EQ(w.check(clock.now), WatchdogTrip::preventive_age);
  w.on_disconnected();
  w.on_cycle(true, clock.advance(31min));
  EXPECT_EQ(w.check(clock.now), std::nullopt);  // not connected: nothing to renew
}

TEST(WatchdogsTest, preventive_by_read_count_restarts_on_each_connection) {
  FakeClock clock;
  WatchdogPolicy p;
  p.max_reads = 10;
  Watchdogs w(p, clock.now);
  w.on_connected(clock.now);
  for (int i = 0; i < 9; ++i) w.on_read_ok();
  EXPECT_EQ(w.check(clock.now), std::nullopt);
  w.on_connected(clock.now);  // reconnected: count starts over
  for (int i = 0; i < 9; ++i) w.on_read_ok();
  EXPECT_EQ(w.check(clock.now), std::nullopt);
  w.on_read_ok();
  EXPECT_EQ(w.check(clock.now), WatchdogTrip::preventive_reads);
}

TEST(WatchdogsTest, zero_disables_each_watchdog) {
  FakeClock clock;
  WatchdogPolicy p;
  p.silence = 0ms;
  p.max_hdlc_errors = 0;
  p.max_failed_cycles = 0;
  Watchdogs w(p, clock.now);
  for (int i = 0; i < 100; ++i) {
    w.on_hdlc_error();
    w.on_cycle(false, clock.advance(1h));
  }
  EXPECT_EQ(w.check(clock.now), std::nullopt);
  EXPECT_EQ(w.silence_deadline(), TimePoint::max());
}

TEST(WatchdogsTest, trips_map_to_reconnect_causes_and_watchdog_labels) {
  EXPECT_EQ(reconnect_cause(WatchdogTrip::silence), labels::ReconnectCause::watchdog_silence);
  EXPECT_EQ(reconnect_cause(WatchdogTrip::hdlc_errors), labels::ReconnectCause::watchdog_hdlc_errors);
  EXPECT_EQ(reconnect_cause(WatchdogTrip::failed_cycles), labels::ReconnectCause::watchdog_failed_cycles);
  EXPECT_EQ(reconnect_cause(WatchdogTrip::preventive_age), labels::ReconnectCause::preventive_age);
  EXPECT_EQ(reconnect_cause(WatchdogTrip::preventive_reads), labels::ReconnectCause::preventive_reads);
  EXPECT_EQ(watchdog_label(WatchdogTrip::silence), labels::Watchdog::silence);
  EXPECT_EQ(watchdog_label(WatchdogTrip::hdlc_errors), labels::Watchdog::hdlc_errors);
  EXPECT_EQ(watchdog_label(WatchdogTrip::failed_cycles), labels::Watchdog::failed_cycles);
  EXPECT_EQ(watchdog_label(WatchdogTrip::preventive_age), std::nullopt);
}

}  // namespace
}  // namespace bridge::poller
