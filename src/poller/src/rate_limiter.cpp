#include "bridge/poller/rate_limiter.h"

#include <algorithm>

namespace bridge::poller {

ConnectionRateLimiter::ConnectionRateLimiter(double rate_per_second, std::uint32_t burst) {
  set_rate(rate_per_second, burst);
}

void ConnectionRateLimiter::set_rate(double rate_per_second, std::uint32_t burst) {
  rate_ = rate_per_second;
  if (rate_ <= 0) {
    emission_ = tolerance_ = Duration::zero();
    return;
  }
  // Millisecond resolution: rates above 1000/s are treated as unlimited per millisecond.
  emission_ = Duration{std::max<Duration::rep>(1, static_cast<Duration::rep>(1000.0 / rate_))};
  tolerance_ = emission_ * static_cast<Duration::rep>(std::max<std::uint32_t>(burst, 1) - 1);
}

TimePoint ConnectionRateLimiter::reserve(TimePoint now) {
  if (rate_ <= 0) return now;
  // GCRA: a connection may start once now >= tat - tolerance; each one pushes tat by 1/rate.
  const TimePoint start = std::max(now, tat_ - tolerance_);
  tat_ = std::max(tat_, start) + emission_;
  return start;
}

bool ConcurrencyLimiter::try_acquire() {
  if (!waiters_.empty() || !has_room()) return false;
  ++in_use_;
  return true;
}

ConcurrencyLimiter::WaiterId ConcurrencyLimiter::wait(std::function<void()> granted) {
  const WaiterId id = next_id_++;
  waiters_.push_back(Waiter{id, std::move(granted)});
  return id;
}

bool ConcurrencyLimiter::cancel(WaiterId id) {
  auto it = std::find_if(waiters_.begin(), waiters_.end(), [id](const Waiter& w) { return w.id == id; });
  if (it == waiters_.end()) return false;
  waiters_.erase(it);
  return true;
}

void ConcurrencyLimiter::grant_waiters() {
  while (!waiters_.empty() && has_room()) {
    Waiter w = std::move(waiters_.front());
    waiters_.pop_front();
    ++in_use_;  // the slot passes to the waiter before anyone else can take it
    if (w.granted) w.granted();
  }
}

void ConcurrencyLimiter::release() {
  if (in_use_ > 0) --in_use_;
  grant_waiters();
}

void ConcurrencyLimiter::set_cap(std::uint32_t cap) {
  cap_ = cap;
  grant_waiters();
}

}  // namespace bridge::poller
