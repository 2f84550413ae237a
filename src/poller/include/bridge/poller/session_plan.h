#pragma once
// The session's decision, as a pure function of what it knows and the time: which step comes
// next. MeterSession::run() is a loop around it: gather the facts, ask, carry the step out,
// ask again. Waits are steps too ("wait until t"), so every wake-up (timer, pause, test,
// reload, stop) simply re-asks.
//
// Order of precedence: a pending reload, then a pending manual test, then pause; disconnected:
// the circuit breaker, then the connect backoff, then connect; associated: the keep-alive read
// when the meter's inactivity timeout comes before the next slot, else the next slot's cycle.
#include <string_view>

#include "bridge/poller/circuit_breaker.h"
#include "bridge/poller/clock.h"
#include "bridge/poller/status.h"

namespace bridge::poller {

struct SessionFacts {
  bool config_pending = false;  // reconfigure() was called
  bool test_pending = false;    // test() was called
  bool paused = false;
  bool connected = false;       // an association is open
  BreakerState breaker = BreakerState::closed;
  TimePoint breaker_open_until{};
  bool probe_out = false;            // half-open: the one probe was already granted
  TimePoint next_connect_at{};       // end of the backoff / refusal / settle wait
  TimePoint next_slot{};             // the schedule's next slot
  TimePoint keepalive_at = TimePoint::max();  // when the idle association needs a keep-alive read
};

enum class Action {
  apply_config,  // apply the pending reload
  test,          // run the pending manual tests
  pause,         // release the association and sleep until resumed
  wait,          // sleep until `until` (state `waiting_as`), then ask again
  probe_lost,    // half-open, but the probe's association is gone before a cycle judged it: a failed probe
  connect,       // open an association now (takes the breaker's probe when it is half-open)
  keepalive,     // one read to keep the idle association alive
  cycle,         // the slot is due: read every register
};
std::string_view to_label(Action a);

struct NextStep {
  Action action = Action::wait;
  TimePoint until = TimePoint::max();           // for `wait`: always later than `now`
  MeterState waiting_as = MeterState::idle;     // for `wait`: the state shown meanwhile
  bool operator==(const NextStep&) const = default;
};

NextStep next_step(const SessionFacts& facts, TimePoint now);

}  // namespace bridge::poller
