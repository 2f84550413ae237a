#pragma once
// What every MeterSession of a Fleet shares: the executor, the outputs (readings, the observers
// that keep score, the event throttle), the fleet-wide admission limits and the status board.
// Owned by the Fleet; lives longer than every session.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "bridge/event.h"
#include "bridge/asio.h"
#include "bridge/poller/meter_connection.h"
#include "bridge/poller/rate_limiter.h"
#include "bridge/poller/session_observer.h"
#include "bridge/poller/status.h"
#include "bridge/reading.h"
#include "bridge/store/event_throttle.h"
#include "bridge/wall_clock.h"

namespace bridge::poller {

// A steady time point as UTC ms (for status snapshots).
std::int64_t to_wall_ms(TimePoint t);

struct SessionContext {
  SessionContext(asio::any_io_executor ex, ConnectionFactory factory) : executor(std::move(ex)), connections(std::move(factory)) {}

  asio::any_io_executor executor;
  ConnectionFactory connections;
  ReadingSink* readings = nullptr;
  EventSink* events = nullptr;
  SessionObservers observers;
  ConnectionRateLimiter rate;
  ConcurrencyLimiter concurrency;
  store::EventThrottle throttle;

  // Event out: throttled per (meter, category) unless `always` (state transitions such as
  // breaker open/close and pause/resume, which are rare by construction), logged, then given
  // to the observers (with the repeat count) and to the extra listener.
  void emit(Event event, bool always = false);

  // Latest status of every session, readable from any thread (REST API, status page).
  void publish(const MeterStatus& status);
  void forget(const std::string& id);
  std::optional<MeterStatus> snapshot(const std::string& id) const;
  std::vector<MeterStatus> snapshots() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, MeterStatus, std::less<>> statuses_;
};

}  // namespace bridge::poller
