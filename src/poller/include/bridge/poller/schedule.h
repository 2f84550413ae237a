#pragma once
// Fixed-rate schedule: slot k starts at start + k * interval, never "end of last read + interval"
// (the old bridge's drift: 2 s configured, 3-4 s measured).
//
// A cycle never overlaps the next one. When a cycle ends after the next slot has begun, that
// slot is skipped (counted, the caller logs it) and the session waits for the first slot still
// ahead. When the wake-up itself comes a whole interval late (overloaded loop, pause), the slots
// that passed are skipped the same way. A cycle is "on time" when it starts less than
// `tolerance` after its slot (default: half an interval).
#include <cstdint>

#include "bridge/poller/clock.h"

namespace bridge::poller {

class FixedRateSchedule {
 public:
  FixedRateSchedule(TimePoint start, Duration interval, Duration tolerance = Duration::zero());

  struct Slot {
    std::uint64_t index = 0;
    TimePoint at{};
    Duration lateness{};        // now - at
    std::uint64_t skipped = 0;  // slots skipped just before this one
    bool on_time = false;
  };

  // When the next slot starts (the session sleeps until then).
  TimePoint next() const { return at(next_index_); }
  // The session starts a cycle at `now` (>= next()).
  Slot begin(TimePoint now);
  // The cycle ended at `now`. Returns how many slots it overran (now skipped).
  std::uint64_t finish(TimePoint now);

  // Restart the grid at `start` (resume after pause, interval change on reload); counters kept.
  void restart(TimePoint start, Duration interval);
  void restart(TimePoint start) { restart(start, interval_); }

  Duration interval() const { return interval_; }
  std::uint64_t cycles() const { return cycles_; }
  std::uint64_t on_time_cycles() const { return on_time_; }
  std::uint64_t skipped() const { return skipped_; }

 private:
  TimePoint at(std::uint64_t index) const { return start_ + interval_ * static_cast<std::int64_t>(index); }

  TimePoint start_;
  Duration interval_;
  Duration tolerance_;
  bool default_tolerance_;
  std::uint64_t next_index_ = 0;
  std::uint64_t cycles_ = 0;
  std::uint64_t on_time_ = 0;
  std::uint64_t skipped_ = 0;
};

}  // namespace bridge::poller
