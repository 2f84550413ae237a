#pragma once
// Fleet-wide admission control, so a fleet restart (or the end of a network outage) does not
// stampede the network and the meters' TCP modules.
//
// ConnectionRateLimiter: token bucket over new TCP connections (rate per second, burst). It hands
// out reservations: reserve(now) returns when this connection may start, and the caller waits
// until then; no queue, no timer inside.
//
// ConcurrencyLimiter: at most `cap` sessions connecting or exchanging at once. FIFO: release()
// hands the slot straight to the first waiter (its waker is called), so a steady stream of new
// callers cannot starve a waiter.
#include <cstdint>
#include <deque>
#include <functional>

#include "bridge/poller/clock.h"

namespace bridge::poller {

class ConnectionRateLimiter {
 public:
  // rate <= 0: unlimited. burst >= 1 connections may start at once.
  explicit ConnectionRateLimiter(double rate_per_second = 0, std::uint32_t burst = 1);
  TimePoint reserve(TimePoint now);
  void set_rate(double rate_per_second, std::uint32_t burst);
  double rate() const { return rate_; }

 private:
  double rate_ = 0;
  Duration emission_{};   // 1 / rate
  Duration tolerance_{};  // (burst - 1) / rate
  TimePoint tat_{};       // theoretical arrival time of the next connection (GCRA)
};

class ConcurrencyLimiter {
 public:
  using WaiterId = std::uint64_t;

  explicit ConcurrencyLimiter(std::uint32_t cap = 0) : cap_(cap) {}  // 0 = unlimited

  // Takes a slot if one is free and nobody is queued.
  bool try_acquire();
  // Queues a waiter; `granted` is called (from release()) once the slot is its own.
  WaiterId wait(std::function<void()> granted);
  // Removes a waiter that has not been granted yet. Returns false when it was already granted
  // (the caller then owns a slot and must release it).
  bool cancel(WaiterId id);
  void release();

  void set_cap(std::uint32_t cap);
  std::uint32_t cap() const { return cap_; }
  std::uint32_t in_use() const { return in_use_; }
  std::size_t waiting() const { return waiters_.size(); }

 private:
  bool has_room() const { return cap_ == 0 || in_use_ < cap_; }
  void grant_waiters();

  struct Waiter {
    WaiterId id;
    std::function<void()> granted;
  };
  std::uint32_t cap_;
  std::uint32_t in_use_ = 0;
  WaiterId next_id_ = 1;
  std::deque<Waiter> waiters_;
};

}  // namespace bridge::poller
