#include "bridge/poller/circuit_breaker.h"

#include <algorithm>

namespace bridge::poller {

std::string_view to_label(BreakerState s) {
  switch (s) {
    case BreakerState::closed: return "closed";
    case BreakerState::open: return "open";
    case BreakerState::half_open: return "half_open";
  }
  return "closed";
}

void CircuitBreaker::prune(TimePoint now) {
  auto keep = std::find_if(history_.begin(), history_.end(), [&](TimePoint t) { return now - t < policy_.window; });
  history_.erase(history_.begin(), keep);
  // Only the newest max_reconnects matter for the decision.
  if (policy_.max_reconnects > 0 && history_.size() > policy_.max_reconnects) {
    history_.erase(history_.begin(), history_.end() - policy_.max_reconnects);
  }
}

std::uint32_t CircuitBreaker::recent_reconnects(TimePoint now) {
  prune(now);
  return static_cast<std::uint32_t>(history_.size());
}

void CircuitBreaker::set_policy(const BreakerPolicy& p) {
  policy_ = p;
  if (state_ == BreakerState::open && opened_at_ + policy_.open_for < open_until_) {
    open_until_ = opened_at_ + policy_.open_for;
  }
}

void CircuitBreaker::open(TimePoint now) {
  state_ = BreakerState::open;
  opened_at_ = now;
  open_until_ = now + policy_.open_for;
  probe_out_ = false;
  ++trips_;
}

bool CircuitBreaker::record_reconnect(TimePoint now) {
  history_.push_back(now);
  prune(now);
  if (state_ == BreakerState::closed && policy_.max_reconnects > 0 &&
      history_.size() >= policy_.max_reconnects) {
    open(now);
    return true;
  }
  return false;
}

bool CircuitBreaker::allow(TimePoint now) {
  switch (state_) {
    case BreakerState::closed: return true;
    case BreakerState::open:
      if (now < open_until_) return false;
      state_ = BreakerState::half_open;
      probe_out_ = true;
      return true;
    case BreakerState::half_open:
      if (probe_out_) return false;
      probe_out_ = true;
      return true;
  }
  return true;
}

bool CircuitBreaker::record_success(TimePoint) {
  if (state_ != BreakerState::half_open) return false;
  state_ = BreakerState::closed;
  history_.clear();
  probe_out_ = false;
  return true;
}

bool CircuitBreaker::record_failure(TimePoint now) {
  if (state_ != BreakerState::half_open) return false;
  // A failed probe re-opens without counting a new trip: still the same incident.
  state_ = BreakerState::open;
  opened_at_ = now;
  open_until_ = now + policy_.open_for;
  probe_out_ = false;
  return true;
}

}  // namespace bridge::poller
