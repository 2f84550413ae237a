#pragma once
// A per-step deadline actor (Asio's timeouts/async_tcp_client.cpp shape): one steady_timer for
// the life of a connection. Each socket operation states its deadline with arm_until(); when
// the deadline passes while an operation is pending, the watchdog records that it fired and runs
// `on_expire` (which cancels the socket), so the operation completes with operation_aborted and
// the caller can tell "timed out" from "cancelled".
//
// Like check_deadline in that example, the timer is lazy: moving the deadline later does not
// touch the timer (it wakes at the old expiry, sees the new deadline and waits again), and
// disarm() only clears a flag. So a request/response loop costs no timer syscalls per
// operation, only one wake-up per deadline period.
//
// Boost 1.74 has no per-operation cancellation or awaitable operators; this is the portable way.
#include <chrono>
#include <functional>
#include <memory>

#include "bridge/asio.h"

namespace bridge::transport {

class StepWatchdog {
 public:
  using Clock = std::chrono::steady_clock;

  StepWatchdog(asio::any_io_executor ex, std::function<void()> on_expire);
  ~StepWatchdog();
  StepWatchdog(const StepWatchdog&) = delete;
  StepWatchdog& operator=(const StepWatchdog&) = delete;

  // An operation starts and must finish by `deadline`; clears fired().
  void arm_until(Clock::time_point deadline);
  void arm(Clock::duration timeout) { arm_until(Clock::now() + timeout); }
  // The operation finished; a disarmed watchdog never fires.
  void disarm();
  // Disarms and cancels the timer wait too (socket closed), so an idle io_context can stop.
  void stop();
  // True when the deadline passed during the last armed operation.
  bool fired() const;
  std::uint64_t trips() const;  // how many times it fired in its life (watchdog_trips_total{step})

 private:
  struct State;
  std::shared_ptr<State> state_;  // shared with the pending wait handler, so it may outlive us
};

}  // namespace bridge::transport
