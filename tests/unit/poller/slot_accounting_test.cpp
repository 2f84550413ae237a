// Which slots a meter owes (MeterSession::account_slots), through the Prometheus adapter as in the
// service: dlms_bridge_meter_poll_slots_{due,missed}_total and the status counters agree; an
// overrun and a meter that is down miss slots; a paused meter and an open breaker owe none.
// The exact arithmetic is in schedule_accounting_test.cpp (fake clock); here the session runs
// in real time, so the bounds leave room for a slow machine.
#include "fleet_fixture.h"

namespace bridge::poller {
namespace {

using namespace std::chrono_literals;
using labels::PollFailure;
using testing::error;
using testing::fast_qos;
using testing::FleetTest;
using testing::make_config;

config::QosConfig slot_qos() {
  auto q = fast_qos();
  q.poll_interval = 100ms;
  q.max_start_lateness = 90ms;  // generous: only a real overrun or outage misses a slot here
  return q;
}

class SlotAccounting : public FleetTest {
 protected:
  prometheus::BridgeMetrics::Meter& series(const std::string& id) {
    auto* m = metrics.meter(id);
    EXPECT_NE(m, nullptr) << id;
    return *m;
  }
  void expect_status_and_metrics_agree(const std::string& id) {
    const auto c = st(id).counters;
    EXPECT_EQ(static_cast<double>(c.slots_due), series(id).poll_slots_due_total.Value());
    EXPECT_EQ(static_cast<double>(c.slots_missed), series(id).poll_slots_missed_total.Value());
    EXPECT_LE(c.slots_missed, c.slots_due);
  }
};

TEST_F(SlotAccounting, a_healthy_meter_owes_one_slot_per_cycle_and_the_histogram_sees_each_start) {
  start(make_config(1, slot_qos()));
  ASSERT_TRUE(run_until([&] { return st("m1").counters.cycles_ok >= 6; }));
  const auto c = st("m1").counters;
  // Every cycle stood for an owed slot, every skipped slot was owed too; off by one at most: the
  // first slot is excused if it began while the first association was being made, and a
  // snapshot taken inside a cycle has its slot due but the cycle not yet counted.
  EXPECT_LE(c.slots_due, c.cycles + c.skipped_slots + 1);
  EXPECT_GE(c.slots_due + 1, c.cycles + c.skipped_slots);
  EXPECT_GE(c.slots_due, 5u);
  expect_status_and_metrics_agree("m1");
  const auto lateness = metrics.poll_start_lateness_seconds().Collect().histogram;
  EXPECT_GE(lateness.sample_count, c.slots_due - c.skipped_slots);
}

TEST_F(SlotAccounting, a_cycle_that_overruns_its_slot_misses_the_slot_it_ran_into) {
  auto q = slot_qos();
  meters.meter("m1").read_latency = 50ms;  // 3 registers: 150 ms per cycle, interval 100 ms
  start(make_config(1, q));
  ASSERT_TRUE(run_until([&] { return st("m1").counters.slots_due >= 8; }));
  const auto c = st("m1").counters;
  // Every other slot is skipped: half of the slots missed (give or take the one in progress).
  EXPECT_GE(c.slots_missed * 2 + 2, c.slots_due);
  EXPECT_GE(c.slots_missed, c.skipped_slots);  // every skipped slot was owed
  EXPECT_GT(c.skipped_slots, 0u);
  expect_status_and_metrics_agree("m1");
}

TEST_F(SlotAccounting, a_meter_that_is_down_and_retried_misses_every_slot_that_passes) {
  auto q = slot_qos();
  q.breaker_max_reconnects = 1000;  // failed connects only: no breaker
  meters.meter("m1").on_open = [](const Credential&) -> Result<void, ConnectionError> {
    return fail(error(PollFailure::refused, "connection refused"));
  };
  start(make_config(1, q));
  ASSERT_TRUE(run_until([&] { return st("m1").counters.slots_due >= 5; }));
  const auto c = st("m1").counters;
  EXPECT_EQ(c.slots_missed, c.slots_due);
  EXPECT_EQ(c.cycles_ok, 0u);
  expect_status_and_metrics_agree("m1");
}

TEST_F(SlotAccounting, a_paused_meter_owes_no_slot) {
  start(make_config(1, slot_qos()));
  ASSERT_TRUE(run_until([&] { return st("m1").counters.cycles_ok >= 3; }));
  ASSERT_TRUE(fleet->pause("m1"));
  ASSERT_TRUE(run_until([&] { return st("m1").state == MeterState::paused; }));
  const auto before = st("m1").counters;
  run_for(1200ms);  // twelve slots
  EXPECT_EQ(st("m1").counters.slots_due, before.slots_due);
  ASSERT_TRUE(fleet->resume("m1"));
  const auto ok = before.cycles_ok;
  ASSERT_TRUE(run_until([&] { return st("m1").counters.cycles_ok >= ok + 2; }));
  const auto after = st("m1").counters;
  // Resumed on a fresh grid: the slots of the pause are neither due nor missed.
  EXPECT_LE(after.slots_due - before.slots_due, 4u) << "due " << before.slots_due << " -> " << after.slots_due;
  EXPECT_LE(after.slots_missed - before.slots_missed, 1u);
  expect_status_and_metrics_agree("m1");
}

TEST_F(SlotAccounting, slots_inside_the_open_breaker_window_are_owed_nothing) {
  auto q = slot_qos();
  q.breaker_max_reconnects = 2;
  q.breaker_open = 2s;  // twenty slots
  bool broken = false;
  meters.meter("m1").on_read = [&](const config::RegisterConfig&) -> Result<ReadValue, ConnectionError> {
    if (broken) return fail(error(PollFailure::timeout, "no answer"));
    return ReadValue{};
  };
  start(make_config(1, q));
  ASSERT_TRUE(run_until([&] { return st("m1").counters.cycles_ok >= 2; }));
  broken = true;
  ASSERT_TRUE(run_until([&] { return st("m1").breaker == BreakerState::open; }));
  broken = false;
  const auto opened = st("m1").counters;
  ASSERT_TRUE(run_until([&] { return st("m1").breaker == BreakerState::closed; }, 6s));
  ASSERT_TRUE(run_until([&] { return st("m1").counters.cycles_ok >= opened.cycles_ok + 1; }));
  const auto closed = st("m1").counters;
  EXPECT_GE(closed.breaker_skipped - opened.breaker_skipped, 15u);  // the window had its slots
  // The probe's slot and the one after at most: nothing of the window.
  EXPECT_LE(closed.slots_due - opened.slots_due, 4u) << "due " << opened.slots_due << " -> " << closed.slots_due;
  expect_status_and_metrics_agree("m1");
}

}  // namespace
}  // namespace bridge::poller
