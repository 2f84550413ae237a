#include "bridge/poller/adaptive_timeout.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace bridge::poller {

AdaptiveTimeoutPolicy adaptive_timeout_policy(const config::QosConfig& q) {
  AdaptiveTimeoutPolicy p;
  p.enabled = q.request_timeout_auto;
  p.fixed = q.request_timeout;
  p.min = q.request_timeout_min;
  p.max = q.request_timeout_max;
  return p;
}

void AdaptiveTimeout::on_response(Duration elapsed) {
  add(std::max(elapsed, Duration{0}));
}

void AdaptiveTimeout::on_timeout() {
  add(current_);
}

void AdaptiveTimeout::set_policy(const AdaptiveTimeoutPolicy& p) {
  policy_ = p;
  while (samples_.size() > std::max<std::size_t>(policy_.window, 1)) samples_.pop_front();
  recompute();
}

void AdaptiveTimeout::add(Duration sample) {
  samples_.push_back(sample);
  while (samples_.size() > std::max<std::size_t>(policy_.window, 1)) samples_.pop_front();
  recompute();
}

void AdaptiveTimeout::recompute() {
  if (!policy_.enabled) {
    current_ = policy_.fixed;
    return;
  }
  if (samples_.size() < policy_.min_samples || samples_.empty()) {
    current_ = policy_.max;
    return;
  }
  std::vector<Duration> sorted(samples_.begin(), samples_.end());
  // Nearest-rank p99: the smallest sample with at least 99 % of the samples at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(0.99 * static_cast<double>(sorted.size())));
  const auto nth = sorted.begin() + static_cast<std::ptrdiff_t>(std::max<std::size_t>(rank, 1) - 1);
  std::nth_element(sorted.begin(), nth, sorted.end());
  const auto scaled = Duration{static_cast<Duration::rep>(std::ceil(static_cast<double>(nth->count()) * policy_.factor))};
  current_ = std::clamp(scaled, policy_.min, std::max(policy_.min, policy_.max));
}

}  // namespace bridge::poller
