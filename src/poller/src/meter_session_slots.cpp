// MeterSession, part 4: schedule accounting, the dlms_bridge_meter_poll_slots_{due,missed}_total
// counters. Which states owe slots:
//   - associated (idle or polling), connecting, backing off, settling before a reconnect, the
//     half-open breaker's probe: owed. A slot is missed when it is skipped (the previous cycle
//     overran, a late wake-up), when its cycle starts more than max_start_lateness after it, or
//     when that much time passes with no cycle started (a meter that is down and retried misses
//     every slot until it is back);
//   - paused: not owed (resume starts a fresh grid);
//   - circuit breaker open: slots that start inside the open window are not owed;
//   - from start (and resume) until the first connection attempt has ended: not owed, so the
//     connect rate limit spreading a large fleet's first associations is not counted as lateness.
// FixedRateSchedule keeps the grid and counts each slot once; this file says which are owed.
#include "bridge/poller/meter_session.h"

#include <algorithm>

namespace bridge::poller {

void MeterSession::account_slots(TimePoint now) {
  if (paused_) return;
  if (breaker_.state() == BreakerState::open) {
    // Owed until the breaker opened, excused inside its open window.
    schedule_.write_off(std::min(now, breaker_.opened_at()));
    schedule_.excuse_until(std::min(now, breaker_.open_until()));
  }
  if (owing_) {
    schedule_.write_off(now);
  } else {
    schedule_.excuse_until(now);
  }
  // Slots missed while the meter is down: the status snapshot (REST API) shows them as /metrics does.
  if (report_slots(std::nullopt)) publish_status();
}

void MeterSession::first_attempt_over(TimePoint now) {
  if (owing_) return;
  schedule_.excuse_until(now);
  owing_ = true;
  if (report_slots(std::nullopt)) publish_status();
}

bool MeterSession::report_slots(std::optional<Duration> start_lateness) {
  const auto due = schedule_.due() - reported_due_;
  const auto missed = schedule_.missed() - reported_missed_;
  reported_due_ = schedule_.due();
  reported_missed_ = schedule_.missed();
  report_.slots(due, missed, start_lateness);
  return due > 0 || missed > 0;
}

}  // namespace bridge::poller
