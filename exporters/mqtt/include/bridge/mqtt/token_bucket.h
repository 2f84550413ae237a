#pragma once
// Token bucket that paces the outbox replay (readings per second). Pure: the caller passes the
// time, so tests drive it with a fake clock.
#include <chrono>
#include <cstddef>

namespace bridge::mqtt {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // rate <= 0: unlimited (take() always grants everything). burst: bucket size in tokens
  // (0: one second worth of rate, at least 1).
  TokenBucket(double rate, double burst, Clock::time_point now);

  // Grants up to `wanted` tokens now (whole tokens) and consumes them.
  std::size_t take(std::size_t wanted, Clock::time_point now);
  // Whole tokens available now (SIZE_MAX when unlimited), without consuming them.
  std::size_t available(Clock::time_point now);
  void consume(std::size_t tokens);
  // Time until at least one token is available (0 when one is available now or unlimited).
  Clock::duration time_to_next(Clock::time_point now);
  bool unlimited() const { return rate_ <= 0; }
  double rate() const { return rate_; }

 private:
  void refill(Clock::time_point now);

  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace bridge::mqtt
