// The session's decision (session_plan.h) on a fake clock: precedence of the control flags,
// the disconnected path (breaker, backoff, connect, lost probe) and the associated path
// (keep-alive vs slot), then whole scripts driven through the real policies.
#include "bridge/poller/session_plan.h"

#include <gtest/gtest.h>

#include <ostream>
#include <vector>

#include "bridge/poller/backoff.h"
#include "bridge/poller/schedule.h"
#include "fake_clock.h"

namespace bridge::poller {

void PrintTo(Action a, std::ostream* os) { *os << to_label(a); }

namespace {

using testing::FakeClock;
using namespace std::chrono_literals;

NextStep wait(TimePoint until, MeterState as) { return {.action = Action::wait, .until = until, .waiting_as = as}; }
NextStep act(Action a) { return {.action = a}; }

TEST(SessionPlanTest, reload_comes_before_a_test_which_comes_before_pause_whatever_the_link) {
  FakeClock clock;
  for (const bool connected : {false, true}) {
    SessionFacts f{.config_pending = true, .test_pending = true, .paused = true, .connected = connected};
    EXPECT_EQ(next_step(f, clock.now), act(Action::apply_config));
    f.config_pending = false;
    EXPECT_EQ(next_step(f, clock.now), act(Action::test));
    f.test_pending = false;
    EXPECT_EQ(next_step(f, clock.now), act(Action::pause));
  }
}

TEST(SessionPlanTest, a_test_runs_at_once_even_while_the_breaker_is_open_or_backing_off) {
  FakeClock clock;
  const SessionFacts f{.test_pending = true,
                       .breaker = BreakerState::open,
                       .breaker_open_until = clock.now + 5min,
                       .next_connect_at = clock.now + 8s};
  EXPECT_EQ(next_step(f, clock.now), act(Action::test));
}

TEST(SessionPlanTest, disconnected_it_waits_out_the_backoff_then_connects) {
  FakeClock clock;
  const SessionFacts f{.next_connect_at = clock.now + 4s};
  EXPECT_EQ(next_step(f, clock.now), wait(clock.now + 4s, MeterState::backoff));
  EXPECT_EQ(next_step(f, clock.now + 3999ms), wait(clock.now + 4s, MeterState::backoff));
  EXPECT_EQ(next_step(f, clock.now + 4s), act(Action::connect));
  EXPECT_EQ(next_step(SessionFacts{}, clock.now), act(Action::connect));  // nothing to wait for
}

TEST(SessionPlanTest, an_open_breaker_holds_every_attempt_until_its_window_ends) {
  FakeClock clock;
  SessionFacts f{.breaker = BreakerState::open, .breaker_open_until = clock.now + 5min, .next_connect_at = clock.now + 2s};
  EXPECT_EQ(next_step(f, clock.now + 3s), wait(clock.now + 5min, MeterState::breaker_open));
  EXPECT_EQ(next_step(f, clock.now + 5min), act(Action::connect));  // the probe
  // A backoff that outlasts the open window is still waited out: the probe is not taken early.
  f.next_connect_at = clock.now + 6min;
  EXPECT_EQ(next_step(f, clock.now + 5min), wait(clock.now + 6min, MeterState::backoff));
}

TEST(SessionPlanTest, a_half_open_breaker_whose_probe_lost_its_association_counts_a_failed_probe) {
  FakeClock clock;
  SessionFacts f{.breaker = BreakerState::half_open, .probe_out = true};
  EXPECT_EQ(next_step(f, clock.now), act(Action::probe_lost));
  f.probe_out = false;  // half-open with the probe still to grant: connect takes it
  EXPECT_EQ(next_step(f, clock.now), act(Action::connect));
}

TEST(SessionPlanTest, associated_it_waits_for_the_slot_and_cycles_when_due_or_late) {
  FakeClock clock;
  const SessionFacts f{.connected = true, .next_slot = clock.now + 10s};
  EXPECT_EQ(next_step(f, clock.now), wait(clock.now + 10s, MeterState::idle));
  EXPECT_EQ(next_step(f, clock.now + 10s), act(Action::cycle));
  EXPECT_EQ(next_step(f, clock.now + 25s), act(Action::cycle));
  // The breaker and backoff concern connecting only.
  SessionFacts g = f;
  g.breaker = BreakerState::open;
  g.breaker_open_until = clock.now + 1h;
  g.next_connect_at = clock.now + 1h;
  EXPECT_EQ(next_step(g, clock.now + 10s), act(Action::cycle));
}

TEST(SessionPlanTest, a_keepalive_due_before_the_slot_comes_first) {
  FakeClock clock;
  SessionFacts f{.connected = true, .next_slot = clock.now + 15min, .keepalive_at = clock.now + 2min};
  EXPECT_EQ(next_step(f, clock.now), wait(clock.now + 2min, MeterState::idle));
  EXPECT_EQ(next_step(f, clock.now + 2min), act(Action::keepalive));
  f.keepalive_at = clock.now + 20min;  // the cycle itself keeps the association alive
  EXPECT_EQ(next_step(f, clock.now + 15min), act(Action::cycle));
  f.keepalive_at = f.next_slot;  // a tie: the cycle
  EXPECT_EQ(next_step(f, clock.now + 15min), act(Action::cycle));
}

TEST(SessionPlanTest, a_wait_always_ends_after_now_so_the_loop_cannot_spin) {
  FakeClock clock;
  const TimePoint t0 = clock.now;
  for (auto offset : {-1s, 0s, 1s}) {
    const TimePoint now = t0 + offset;
    const std::vector<SessionFacts> cases = {
        {.next_connect_at = t0},
        {.breaker = BreakerState::open, .breaker_open_until = t0},
        {.connected = true, .next_slot = t0},
        {.connected = true, .next_slot = t0 + 1h, .keepalive_at = t0},
    };
    for (const auto& f : cases) {
      const NextStep s = next_step(f, now);
      if (s.action == Action::wait) {
        EXPECT_GT(s.until, now);
      }
    }
  }
}

// A whole script on the fake clock with the real policies: the meter refuses twice, then
// answers; the session backs off 2 s then 4 s, connects, and cycles on the fixed-rate grid.
TEST(SessionPlanTest, script_refusals_backoff_connect_then_fixed_rate_cycles) {
  FakeClock clock;
  const TimePoint t0 = clock.now;
  BackoffPolicy bp;
  bp.initial = 2s;
  bp.max = 60s;
  bp.jitter = 0;
  Backoff backoff(bp);
  FixedRateSchedule schedule(t0, 10s);
  SessionFacts f{.next_slot = schedule.next()};
  int refusals = 2;
  std::vector<std::pair<Action, Duration>> trace;
  for (int i = 0; i < 12; ++i) {
    const NextStep s = next_step(f, clock.now);
    trace.emplace_back(s.action, std::chrono::duration_cast<Duration>(clock.now - t0));
    switch (s.action) {
      case Action::wait: clock.now = s.until; break;
      case Action::connect:
        if (refusals-- > 0) {
          f.next_connect_at = clock.now + backoff.on_failure();
        } else {
          backoff.reset();
          f.connected = true;
        }
        break;
      case Action::cycle:
        schedule.begin(clock.now);
        (void)schedule.finish(clock.advance(300ms));
        f.next_slot = schedule.next();
        break;
      default: FAIL() << "unexpected step " << to_label(s.action);
    }
  }
  // Slot 0 (t0) passed while connecting: its cycle starts at once, late, and the grid stays.
  const std::vector<std::pair<Action, Duration>> expected = {
      {Action::connect, 0s}, {Action::wait, 0s},      {Action::connect, 2s},  {Action::wait, 2s},
      {Action::connect, 6s}, {Action::cycle, 6s},     {Action::wait, 6300ms}, {Action::cycle, 10s},
      {Action::wait, 10300ms}, {Action::cycle, 20s},  {Action::wait, 20300ms}, {Action::cycle, 30s},
  };
  EXPECT_EQ(trace, expected);
}

}  // namespace
}  // namespace bridge::poller
