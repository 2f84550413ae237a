// One definition of "cycle" and "failure" for the status snapshot (REST API, status page, ctl)
// and /metrics; the figures the alert rules need (per-meter latency, diagnosis as a metric,
// HDLC timeouts); waits re-planned by a reload.
#include "fleet_fixture.h"

namespace bridge::poller {
namespace {

using namespace std::chrono_literals;
using labels::PollFailure;
using testing::error;
using testing::fast_qos;
using testing::FleetTest;
using testing::make_config;

double failures_total(prometheus::BridgeMetrics::Meter& m) {
  double sum = 0;
  for (auto r : labels::kPollFailures) sum += m.poll_failure(r).Value();
  return sum;
}

// Every connection attempt fails as unreachable until the test sets on_open back to nullptr.
void refuse_connections(testing::FakeMeter& fake) {
  fake.on_open = [](const Credential&) -> Result<void, ConnectionError> {
    return fail(error(PollFailure::unreachable, "no route"));
  };
}

// The status counters and the metric series are the same numbers.
void expect_counts_agree(const MeterStatus& s, prometheus::BridgeMetrics::Meter& m) {
  const auto& c = s.counters;
  EXPECT_EQ(static_cast<double>(c.cycles), m.polls_total.Value());
  EXPECT_EQ(static_cast<double>(c.cycles_failed), failures_total(m));
  EXPECT_EQ(c.cycles, c.cycles_ok + c.cycles_failed);
  EXPECT_LE(c.cycles_partial + c.breaker_skipped, c.cycles_failed);
  for (std::size_t i = 0; i < labels::kPollFailures.size(); ++i) {
    EXPECT_EQ(static_cast<double>(c.failures[i]), m.poll_failure(labels::kPollFailures[i]).Value())
        << labels::to_label(labels::kPollFailures[i]);
  }
  // 1 - failures/polls is a success ratio in [0, 1].
  EXPECT_LE(failures_total(m), m.polls_total.Value());
}

TEST_F(FleetTest, connect_failures_partial_cycles_and_breaker_skips_count_the_same_in_status_and_metrics) {
  auto q = fast_qos();
  q.breaker_max_reconnects = 3;
  q.breaker_open = 200ms;
  auto& fake = meters.meter("m1");
  int refusals = 2;
  fake.on_open = [&](const Credential&) -> Result<void, ConnectionError> {
    if (refusals > 0) {
      --refusals;
      return fail(error(PollFailure::closed, "peer closed during SNRM"));
    }
    return {};
  };
  bool partial = false, broken = false;
  fake.on_read = [&](const config::RegisterConfig& r) -> Result<ReadValue, ConnectionError> {
    if (broken) return fail(error(PollFailure::timeout, "no answer"));
    if (partial && r.key == "frequency") return fail(error(PollFailure::access_denied, "object-undefined", false));
    return ReadValue{};
  };
  start(make_config(1, q));
  // The case: failed connects count as failed cycles, not "10 ok / 0 failed".
  ASSERT_TRUE(run_until([&] { return st("m1").counters.cycles_ok >= 3; }));
  auto* m = metrics.meter("m1");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(st("m1").counters.failures[static_cast<std::size_t>(PollFailure::closed)], 2u);
  EXPECT_EQ(st("m1").counters.cycles_failed, 2u);
  expect_counts_agree(st("m1"), *m);

  partial = true;
  ASSERT_TRUE(run_until([&] { return st("m1").counters.cycles_partial >= 2; }));
  expect_counts_agree(st("m1"), *m);
  EXPECT_EQ(m->up.Value(), 1);  // a partial cycle still delivered a reading

  broken = true;  // every cycle fails, reconnects open the breaker, its slots are skipped
  ASSERT_TRUE(run_until([&] { return st("m1").counters.breaker_skipped >= 2; }));
  broken = false;
  partial = false;
  ASSERT_TRUE(run_until([&] { return st("m1").breaker == BreakerState::closed && m->up.Value() == 1; }));
  expect_counts_agree(st("m1"), *m);
  EXPECT_GE(m->poll_failure(PollFailure::circuit_open).Value(), 2);
}

TEST_F(FleetTest, a_failed_re_association_inside_a_cycle_fails_that_cycle_once) {
  auto& fake = meters.meter("m1");
  bool broken = false;
  fake.on_read = [&](const config::RegisterConfig&) -> Result<ReadValue, ConnectionError> {
    if (broken) return fail(error(PollFailure::closed, "peer closed"));
    return ReadValue{};
  };
  start(make_config(1));
  ASSERT_TRUE(run_until([&] { return st("m1").counters.cycles_ok >= 1; }));
  auto* m = metrics.meter("m1");
  ASSERT_NE(m, nullptr);
  broken = true;
  fake.on_open = [](const Credential&) -> Result<void, ConnectionError> {
    return fail(error(PollFailure::refused, "connection refused"));
  };
  // The read breaks, the retry re-associates and is refused: one failed cycle (closed), not a
  // failed cycle plus a failed connect.
  ASSERT_TRUE(run_until([&] { return st("m1").counters.connect_failures >= 2; }));
  const auto s = st("m1");
  EXPECT_EQ(s.counters.failures[static_cast<std::size_t>(PollFailure::closed)], 1u);
  EXPECT_EQ(s.counters.failures[static_cast<std::size_t>(PollFailure::refused)], s.counters.connect_failures - 1);
  expect_counts_agree(s, *m);
}

TEST_F(FleetTest, manual_tests_are_not_poll_cycles) {
  auto& fake = meters.meter("m1");
  refuse_connections(fake);
  auto c = make_config(1);
  c.meters[0].qos.backoff_initial = 10s;  // the scheduled loop waits: only the test connects
  c.meters[0].qos.backoff_max = 10s;
  start(c);
  ASSERT_TRUE(run_until([&] { return st("m1").counters.connect_failures >= 1; }));
  auto* m = metrics.meter("m1");
  ASSERT_NE(m, nullptr);
  const double polls = m->polls_total.Value();
  bool done = false;
  fleet->test("m1", [&](TestResult) { done = true; });
  ASSERT_TRUE(run_until([&] { return done; }));
  EXPECT_EQ(m->polls_total.Value(), polls);
  EXPECT_EQ(st("m1").counters.tests, 1u);
  expect_counts_agree(st("m1"), *m);
}

TEST_F(FleetTest, diagnosis_symptom_metric_follows_failures_and_returns_to_none) {
  auto& fake = meters.meter("m1");
  fake.on_open = [](const Credential&) -> Result<void, ConnectionError> {
    auto e = error(PollFailure::timeout, "no UA to SNRM");
    e.tcp_connected = true;
    return fail(e);
  };
  start(make_config(1));
  ASSERT_TRUE(run_until([&] { return metrics.meter("m1") != nullptr; }));
  auto* m = metrics.meter("m1");
  ASSERT_TRUE(run_until([&] { return m->symptom() == "silent_after_connect"; }));
  fake.on_open = [](const Credential&) -> Result<void, ConnectionError> {
    return fail(error(PollFailure::refused, "connection refused"));
  };
  ASSERT_TRUE(run_until([&] { return m->symptom() == "refused"; }));
  fake.on_open = nullptr;
  ASSERT_TRUE(run_until([&] { return m->up.Value() == 1; }));
  EXPECT_EQ(m->symptom(), "none");
  // The snapshot keeps the last diagnosis for the action plan; the metric says "no problem now".
  ASSERT_TRUE(st("m1").diagnosis.has_value());
}

TEST_F(FleetTest, request_timeouts_and_link_failures_count_as_hdlc_errors_of_their_kind) {
  auto& fake = meters.meter("m1");
  int timeouts = 0;
  fake.on_read = [&](const config::RegisterConfig&) -> Result<ReadValue, ConnectionError> {
    if (timeouts < 2) {
      ++timeouts;
      auto e = error(PollFailure::timeout, "timeout: no GET response within 7 s");
      e.hdlc = labels::HdlcError::timeout;
      return fail(e);
    }
    return ReadValue{};
  };
  bool frmr = true;
  fake.on_open = [&](const Credential&) -> Result<void, ConnectionError> {
    if (!frmr) return {};
    frmr = false;
    auto e = error(PollFailure::protocol, "peer answered FRMR");
    e.hdlc = labels::HdlcError::frmr;
    return fail(e);
  };
  start(make_config(1));
  ASSERT_TRUE(run_until([&] { return timeouts == 2 && st("m1").counters.cycles_ok >= 1; }));
  auto* m = metrics.meter("m1");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->hdlc_error(labels::HdlcError::timeout).Value(), 2);
  EXPECT_EQ(m->hdlc_error(labels::HdlcError::frmr).Value(), 1);
  EXPECT_EQ(st("m1").counters.hdlc_errors, 3u);
}

TEST_F(FleetTest, per_meter_poll_duration_counts_every_cycle_that_ran) {
  meters.meter("m1").read_latency = 2ms;
  start(make_config(2));
  ASSERT_TRUE(run_until([&] { return st("m1").counters.cycles_ok >= 3 && st("m2").counters.cycles_ok >= 3; }));
  auto* m = metrics.meter("m1");
  ASSERT_NE(m, nullptr);
  EXPECT_GE(m->poll_duration_count(), 3);
  EXPECT_GE(m->poll_duration_sum(), m->poll_duration_count() * 3 * 0.002);  // three reads of >= 2 ms
  EXPECT_EQ(metrics.poll_duration_seconds().Collect().histogram.sample_count,
            static_cast<std::uint64_t>(m->poll_duration_count() + metrics.meter("m2")->poll_duration_count()));
}

TEST_F(FleetTest, a_reload_that_lowers_backoff_max_replans_the_pending_retry) {
  auto& fake = meters.meter("m1");
  refuse_connections(fake);
  auto c = make_config(1);
  c.meters[0].qos.backoff_initial = 60s;
  c.meters[0].qos.backoff_max = 60s;
  start(c);
  ASSERT_TRUE(run_until([&] { return fake.opens == 1; }));
  run_for(50ms);
  ASSERT_EQ(fake.opens, 1);  // waiting 60 s
  fake.on_open = nullptr;
  c.meters[0].qos.backoff_initial = 20ms;
  c.meters[0].qos.backoff_max = 20ms;
  fleet->apply(c);
  // Without the re-plan the retry stays 60 s away and this times out.
  ASSERT_TRUE(run_until([&] { return readings.count["m1"] >= 1; }, 10s));
  EXPECT_EQ(fake.opens, 2);
}

TEST_F(FleetTest, a_reload_that_lowers_only_backoff_max_replans_a_wait_grown_to_the_old_max) {
  // The case: the waits had grown to the maximum (125 s there), and the reload changed
  // backoff_max alone.
  auto& fake = meters.meter("m1");
  refuse_connections(fake);
  auto c = make_config(1);
  c.meters[0].qos.backoff_initial = 20ms;
  c.meters[0].qos.backoff_multiplier = 3000;  // the second wait is already the maximum
  c.meters[0].qos.backoff_max = 60s;
  start(c);
  ASSERT_TRUE(run_until([&] { return fake.opens == 2; }));
  run_for(50ms);
  ASSERT_EQ(fake.opens, 2);  // waiting 60 s
  fake.on_open = nullptr;
  c.meters[0].qos.backoff_max = 30ms;
  fleet->apply(c);
  ASSERT_TRUE(run_until([&] { return readings.count["m1"] >= 1; }, 10s));
  EXPECT_EQ(fake.opens, 3);
}

TEST_F(FleetTest, a_reload_that_shortens_breaker_open_half_opens_the_breaker_sooner) {
  auto q = fast_qos();
  q.breaker_max_reconnects = 2;
  q.breaker_open = 60s;
  auto& fake = meters.meter("m1");
  bool broken = false;
  fake.on_read = [&](const config::RegisterConfig&) -> Result<ReadValue, ConnectionError> {
    if (broken) return fail(error(PollFailure::closed, "peer closed"));
    return ReadValue{};
  };
  auto c = make_config(1, q);
  start(c);
  ASSERT_TRUE(run_until([&] { return readings.count["m1"] >= 1; }));
  broken = true;
  ASSERT_TRUE(run_until([&] { return st("m1").breaker == BreakerState::open; }));
  broken = false;
  c.meters[0].qos.breaker_open = 30ms;
  fleet->apply(c);
  ASSERT_TRUE(run_until([&] { return st("m1").breaker == BreakerState::closed; }, 10s));
}

}  // namespace
}  // namespace bridge::poller
