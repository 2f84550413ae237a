#include "bridge/poller/session_plan.h"

namespace bridge::poller {

std::string_view to_label(Action a) {
  switch (a) {
    case Action::apply_config: return "apply_config";
    case Action::test: return "test";
    case Action::pause: return "pause";
    case Action::wait: return "wait";
    case Action::probe_lost: return "probe_lost";
    case Action::connect: return "connect";
    case Action::keepalive: return "keepalive";
    case Action::cycle: return "cycle";
  }
  return "wait";
}

namespace {

NextStep now_do(Action a) { return NextStep{.action = a}; }
NextStep wait_until(TimePoint t, MeterState as) {
  return NextStep{.action = Action::wait, .until = t, .waiting_as = as};
}

NextStep disconnected(const SessionFacts& f, TimePoint now) {
  switch (f.breaker) {
    case BreakerState::closed: break;
    case BreakerState::open:
      if (now < f.breaker_open_until) return wait_until(f.breaker_open_until, MeterState::breaker_open);
      break;  // the open window is over: the next connect is the probe
    case BreakerState::half_open:
      if (f.probe_out) return now_do(Action::probe_lost);
      break;
  }
  if (now < f.next_connect_at) return wait_until(f.next_connect_at, MeterState::backoff);
  return now_do(Action::connect);
}

NextStep associated(const SessionFacts& f, TimePoint now) {
  if (f.keepalive_at < f.next_slot) {
    return now < f.keepalive_at ? wait_until(f.keepalive_at, MeterState::idle) : now_do(Action::keepalive);
  }
  return now < f.next_slot ? wait_until(f.next_slot, MeterState::idle) : now_do(Action::cycle);
}

}  // namespace

NextStep next_step(const SessionFacts& f, TimePoint now) {
  if (f.config_pending) return now_do(Action::apply_config);
  if (f.test_pending) return now_do(Action::test);
  if (f.paused) return now_do(Action::pause);
  return f.connected ? associated(f, now) : disconnected(f, now);
}

}  // namespace bridge::poller
