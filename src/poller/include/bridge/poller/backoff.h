#pragma once
// Exponential backoff with jitter for connect/association retries.
//
// The n-th consecutive failure (n = 1, 2, ...) waits initial * multiplier^(n-1), capped at `max`,
// then moved by up to +/- jitter * wait at random (so a fleet that failed together does not retry
// together). Defaults 2 s, x2, 5 min, 10 %: 2 s, 4 s, 8 s, ... 300 s. The retries never stop (a
// meter unreachable at start-up or after a power outage is picked up as soon as it answers);
// `attempts_before_down` only says when the meter is reported down.
#include <cstdint>
#include <functional>

#include "bridge/poller/clock.h"

namespace bridge::poller {

struct BackoffPolicy {
  Duration initial{2000};
  double multiplier = 2.0;
  Duration max{300000};
  double jitter = 0.1;                  // 0..1
  std::uint32_t attempts_before_down = 3;  // failures before the meter is reported down
};

// Uniform random number in [0, 1). Injected so tests are deterministic.
using UniformRandom = std::function<double()>;
// A default generator seeded from std::random_device.
UniformRandom default_random();

class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy, UniformRandom random = default_random());

  // Records one failure and returns how long to wait before the next attempt.
  Duration on_failure();
  // A success: the next failure starts again from `initial`.
  void reset() { failures_ = 0; }

  std::uint32_t failures() const { return failures_; }
  // True once `attempts_before_down` consecutive attempts failed.
  bool down() const { return failures_ >= policy_.attempts_before_down; }
  // The wait before jitter for the n-th failure (n >= 1); exposed for tests and docs.
  Duration base_delay(std::uint32_t n) const;
  // The longest wait on_failure() can return for the n-th failure (jitter included, capped).
  Duration longest_delay(std::uint32_t n) const;

  const BackoffPolicy& policy() const { return policy_; }
  void set_policy(const BackoffPolicy& p) { policy_ = p; }

 private:
  BackoffPolicy policy_;
  UniformRandom random_;
  std::uint32_t failures_ = 0;
};

// A wait planned at `since` to end at `due`, re-planned under a new limit (a reload lowered
// backoff_max, reconnect_settle ...): it ends at since + limit if that is earlier. A raised
// limit never extends a wait already planned; it applies from the next one.
TimePoint shorten_wait(TimePoint since, TimePoint due, Duration limit);

}  // namespace bridge::poller
