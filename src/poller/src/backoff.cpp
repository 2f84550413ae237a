#include "bridge/poller/backoff.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

namespace bridge::poller {

UniformRandom default_random() {
  // One engine per thread, not one per meter: a std::mt19937_64 holds 2.5 KB of state, which
  // at 10,000 meters was 25 MB. The lambda captures nothing, so std::function stores it inline.
  return [] {
    // On the heap, made on first use: a thread_local object would sit in the static TLS of every
    // thread, the HTTP server's hundreds of workers included (bench/RESULTS.md, "Memory").
    thread_local const auto engine = std::make_unique<std::mt19937_64>(std::random_device{}());
    return std::uniform_real_distribution<double>(0.0, 1.0)(*engine);
  };
}

Backoff::Backoff(BackoffPolicy policy, UniformRandom random)
    : policy_(policy), random_(random ? std::move(random) : default_random()) {}

Duration Backoff::base_delay(std::uint32_t n) const {
  if (n == 0) return Duration::zero();
  const double initial = static_cast<double>(policy_.initial.count());
  const double cap = static_cast<double>(policy_.max.count());
  const double multiplier = std::max(1.0, policy_.multiplier);
  // Stop multiplying once over the cap: no overflow however long the meter stays down.
  double wait = initial;
  for (std::uint32_t i = 1; i < n && wait < cap; ++i) wait *= multiplier;
  return Duration{static_cast<Duration::rep>(std::min(wait, cap))};
}

Duration Backoff::longest_delay(std::uint32_t n) const {
  const double base = static_cast<double>(base_delay(n).count());
  const double wait = std::min(base * (1.0 + std::clamp(policy_.jitter, 0.0, 1.0)), static_cast<double>(policy_.max.count()));
  return Duration{static_cast<Duration::rep>(std::ceil(wait))};
}

TimePoint shorten_wait(TimePoint since, TimePoint due, Duration limit) {
  if (limit < Duration::zero()) limit = Duration::zero();
  if (due - since <= limit) return due;
  return since + limit;
}

Duration Backoff::on_failure() {
  if (failures_ < UINT32_MAX) ++failures_;
  const double base = static_cast<double>(base_delay(failures_).count());
  const double jitter = std::clamp(policy_.jitter, 0.0, 1.0);
  // Uniform in [base * (1 - jitter), base * (1 + jitter)), then capped.
  const double factor = 1.0 + jitter * (2.0 * random_() - 1.0);
  const double wait = std::min(base * factor, static_cast<double>(policy_.max.count()));
  return Duration{static_cast<Duration::rep>(std::max(0.0, std::round(wait)))};
}

}  // namespace bridge::poller
