#pragma once
// A per-step deadline actor (Asio's timeouts/async_tcp_client.cpp shape): one steady_timer for
// the life of a connection, moved before each step. When it expires it records that it fired
// and runs `on_expire` (which cancels the socket), so the pending operation completes with
// operation_aborted and the step can tell "timed out" from "cancelled".
//
// Boost 1.74 has no per-operation cancellation or awaitable operators; this is the portable way.
#include <chrono>
#include <functional>
#include <memory>

#include "bridge/transport/asio.h"

namespace bridge::transport {

class StepWatchdog {
 public:
  StepWatchdog(asio::any_io_executor ex, std::function<void()> on_expire);
  ~StepWatchdog();
  StepWatchdog(const StepWatchdog&) = delete;
  StepWatchdog& operator=(const StepWatchdog&) = delete;

  // Starts (or moves) the deadline; clears fired().
  void arm(std::chrono::steady_clock::duration timeout);
  // Parks the timer; a disarmed watchdog never fires.
  void disarm();
  // True when the deadline passed since the last arm().
  bool fired() const;
  std::uint64_t trips() const;  // how many times it fired in its life (watchdog_trips_total{step})

 private:
  struct State;
  std::shared_ptr<State> state_;  // shared with the pending wait handler, so it may outlive us
};

}  // namespace bridge::transport
