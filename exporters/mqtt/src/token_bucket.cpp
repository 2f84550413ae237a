#include "bridge/mqtt/token_bucket.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bridge::mqtt {

TokenBucket::TokenBucket(double rate, double burst, Clock::time_point now)
    : rate_(rate), burst_(burst > 0 ? burst : std::max(1.0, rate)), tokens_(0), last_(now) {
  // Start full: the first second of a replay goes out at once, then the rate applies.
  tokens_ = burst_;
}

void TokenBucket::refill(Clock::time_point now) {
  if (now <= last_) return;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  last_ = now;
}

std::size_t TokenBucket::take(std::size_t wanted, Clock::time_point now) {
  if (unlimited()) return wanted;
  refill(now);
  const auto whole = static_cast<std::size_t>(std::floor(tokens_));
  const std::size_t granted = std::min(wanted, whole);
  tokens_ -= static_cast<double>(granted);
  return granted;
}

std::size_t TokenBucket::available(Clock::time_point now) {
  if (unlimited()) return std::numeric_limits<std::size_t>::max();
  refill(now);
  return static_cast<std::size_t>(std::floor(tokens_));
}

void TokenBucket::consume(std::size_t tokens) {
  if (unlimited()) return;
  tokens_ = std::max(0.0, tokens_ - static_cast<double>(tokens));
}

TokenBucket::Clock::duration TokenBucket::time_to_next(Clock::time_point now) {
  if (unlimited()) return Clock::duration::zero();
  refill(now);
  if (tokens_ >= 1.0) return Clock::duration::zero();
  const double seconds = (1.0 - tokens_) / rate_;
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)) +
         Clock::duration(1);
}

}  // namespace bridge::mqtt
