#pragma once
// Circuit breaker over reconnects.
//
// Every reconnect counts, whatever its cause (error, all registers failed, any watchdog,
// preventive, idle, reload): the old bridge only counted some of them, so the breaker never
// opened during the real reconnect storms. When `max_reconnects` fall within a sliding `window`
// the breaker opens for `open_for`; then it lets exactly one probe through (half-open). A probe
// that produces a successful cycle closes it (history cleared), a failed one opens it again.
#include <cstdint>
#include <vector>
#include <string_view>

#include "bridge/poller/clock.h"

namespace bridge::poller {

struct BreakerPolicy {
  std::uint32_t max_reconnects = 10;
  Duration window{3600000};
  Duration open_for{300000};
};

enum class BreakerState { closed, open, half_open };
std::string_view to_label(BreakerState s);

class CircuitBreaker {
 public:
  explicit CircuitBreaker(BreakerPolicy policy = {}) : policy_(policy) {}

  // Records one reconnect. Returns true when this reconnect opened the breaker.
  bool record_reconnect(TimePoint now);
  // May the session connect now? Closed: yes. Open: no until open_for has passed, then the
  // breaker turns half-open and grants one probe (true once). Half-open with the probe out: no.
  bool allow(TimePoint now);
  // Result of the probe (or of any cycle while closed). Returns true when this call changed the
  // state (half-open -> closed on success, half-open -> open on failure).
  bool record_success(TimePoint now);
  bool record_failure(TimePoint now);

  BreakerState state() const { return state_; }
  bool is_open() const { return state_ != BreakerState::closed; }
  // Half-open and the one probe already granted (its result not in yet).
  bool probe_out() const { return state_ == BreakerState::half_open && probe_out_; }
  // When an open breaker lets the probe through.
  TimePoint open_until() const { return open_until_; }
  // When it last opened (or re-opened after a failed probe).
  TimePoint opened_at() const { return opened_at_; }
  // Reconnects inside the window ending at `now`.
  std::uint32_t recent_reconnects(TimePoint now);
  std::uint64_t trips() const { return trips_; }

  // A new policy applies at once: an open breaker whose new open_for has already run out (or
  // runs out sooner) half-opens then, not at the old deadline (reload re-plans the wait).
  void set_policy(const BreakerPolicy& p);
  const BreakerPolicy& policy() const { return policy_; }

 private:
  void prune(TimePoint now);
  void open(TimePoint now);

  BreakerPolicy policy_;
  BreakerState state_ = BreakerState::closed;
  std::vector<TimePoint> history_;  // oldest first; bounded by max_reconnects (a deque's 512-byte block per meter is not)
  TimePoint open_until_{};
  TimePoint opened_at_{};
  bool probe_out_ = false;
  std::uint64_t trips_ = 0;
};

}  // namespace bridge::poller
