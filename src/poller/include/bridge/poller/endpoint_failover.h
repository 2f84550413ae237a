#pragma once
// Which of a meter's endpoints to connect to: index 0 is the [[meter]]'s host:port (the
// primary), 1..n its `endpoints` alternatives, in order.
//
// A round of connection attempts starts at the primary. When an attempt fails, the next
// endpoint of the round is tried at once (the caller skips its backoff wait); when the last one
// failed, the round is over: back off, and the next round starts at the primary again. Once
// associated on an alternative, the session stays there for `holdback`, then returns to the
// primary (a deliberate reconnect); if the primary still fails, the round moves on to the
// alternatives again and the holdback starts over. Sans-I/O: `now` is passed in.
#include <cstddef>

#include "bridge/poller/clock.h"

namespace bridge::poller {

class EndpointFailover {
 public:
  EndpointFailover(std::size_t endpoints, Duration holdback) : count_(endpoints == 0 ? 1 : endpoints), holdback_(holdback) {}

  // The endpoint the next (or current) association uses.
  std::size_t current() const { return current_; }
  std::size_t count() const { return count_; }

  // The attempt at current() failed. True: another endpoint of this round is left and is now
  // current (try it without waiting); false: the round is over, current() is the primary again.
  bool on_connect_failure();
  // Associated on current() at `now`.
  void on_connected(TimePoint now);
  // When the session should leave the alternative it is on for the primary (max(): never,
  // i.e. on the primary already).
  TimePoint return_due() const;
  // The session releases the alternative to try the primary: the next association is the
  // primary's.
  void return_to_primary() { current_ = 0; }

  // A reload: new endpoint count and holdback. A vanished current endpoint falls back to the
  // primary.
  void set_policy(std::size_t endpoints, Duration holdback);

 private:
  std::size_t count_;
  Duration holdback_;
  std::size_t current_ = 0;
  TimePoint connected_at_{};
};

}  // namespace bridge::poller
