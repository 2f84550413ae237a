#pragma once
// request_timeout = "auto": the deadline of each request step follows the meter's own response
// times. A fast meter's silence is noticed after a fraction of a fixed fleet-wide timeout, and a
// slow one (a cellular modem) is no longer cut off by a deadline made for the fast ones.
//
//   deadline = clamp(p99 of the last `window` response times x factor, min, max)
//   max until `min_samples` responses were measured (nothing known yet: be patient)
//
// A step that times out is recorded as a response of the deadline it had (all we know is that
// it took at least that long), so a meter that got slower widens its deadline by `factor` per
// timeout instead of timing out forever. Sans-I/O: durations in, a duration out.
#include <cstddef>
#include <deque>

#include "bridge/config/config.h"
#include "bridge/poller/clock.h"

namespace bridge::poller {

struct AdaptiveTimeoutPolicy {
  bool enabled = false;  // false: always `fixed`
  Duration fixed{7000};
  Duration min{1000};
  Duration max{30000};
  double factor = 3.0;
  std::size_t window = 100;
  std::size_t min_samples = 10;
  friend bool operator==(const AdaptiveTimeoutPolicy&, const AdaptiveTimeoutPolicy&) = default;
};
AdaptiveTimeoutPolicy adaptive_timeout_policy(const config::QosConfig& q);

class AdaptiveTimeout {
 public:
  explicit AdaptiveTimeout(AdaptiveTimeoutPolicy policy) : policy_(policy) {}

  // A reply arrived `elapsed` after its request left.
  void on_response(Duration elapsed);
  // A step ended at its deadline without a reply.
  void on_timeout();
  // The deadline for the next step.
  Duration current() const { return current_; }
  std::size_t samples() const { return samples_.size(); }

  const AdaptiveTimeoutPolicy& policy() const { return policy_; }
  // A reload: the measurements stay (they describe the meter, not the config).
  void set_policy(const AdaptiveTimeoutPolicy& p);

 private:
  void add(Duration sample);
  void recompute();

  AdaptiveTimeoutPolicy policy_;
  std::deque<Duration> samples_;
  Duration current_ = policy_.enabled ? policy_.max : policy_.fixed;
};

}  // namespace bridge::poller
