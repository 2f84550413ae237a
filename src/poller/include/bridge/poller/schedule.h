#pragma once
// Fixed-rate schedule: slot k starts at start + k * interval, never "end of last read + interval"
// (the old bridge's drift: 2 s configured, 3-4 s measured).
//
// A cycle never overlaps the next one. When a cycle ends after the next slot has begun, that
// slot is skipped (counted, the caller logs it) and the session waits for the first slot still
// ahead. When the wake-up itself comes a whole interval late (overloaded loop, pause), the slots
// that passed are skipped the same way. A cycle is "on time" when it starts less than
// `tolerance` after its slot (default: half an interval).
//
// Slot accounting (dlms_bridge_meter_poll_slots_{due,missed}_total): every slot of the grid is
// accounted once, when its time has come, either as owed (due; missed when it is skipped, when
// its cycle starts more than max_start_lateness after it, or when that much time passes with no
// cycle started for it: write_off) or as excused (owed nothing: excuse_until). Which states owe
// slots is the session's decision (MeterSession::account_slots); this class only keeps the grid
// and the cursor, so each slot is counted once whatever order the calls come in.
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
    bool owed = false;          // the meter owed this slot (not excused): its lateness counts
    bool missed = false;        // counted missed by this call: started later than max_start_lateness
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

  // 0 or less: a tenth of the interval (also after a restart with another interval).
  void set_max_start_lateness(Duration limit);
  Duration max_start_lateness() const { return lateness_limit_; }
  // Slots not accounted yet that start before `until` are owed nothing.
  void excuse_until(TimePoint until);
  // Slots not accounted yet that can no longer start on time at `now` (start + max_start_lateness
  // < now) are due and missed now, whether or not a cycle later runs for them.
  void write_off(TimePoint now);
  std::uint64_t due() const { return due_; }
  std::uint64_t missed() const { return missed_; }

  Duration interval() const { return interval_; }
  std::uint64_t cycles() const { return cycles_; }
  std::uint64_t on_time_cycles() const { return on_time_; }
  std::uint64_t skipped() const { return skipped_; }

 private:
  TimePoint at(std::uint64_t index) const { return start_ + interval_ * static_cast<std::int64_t>(index); }
  // Slots from the accounting cursor on that start before `t`.
  std::uint64_t unaccounted_before(TimePoint t) const;
  // Slots [from, to) are due and missed (skipped), except those already accounted.
  void miss_range(std::uint64_t from, std::uint64_t to);

  TimePoint start_;
  Duration interval_;
  Duration tolerance_;
  bool default_tolerance_;
  std::uint64_t next_index_ = 0;
  std::uint64_t cycles_ = 0;
  std::uint64_t on_time_ = 0;
  std::uint64_t skipped_ = 0;

  Duration lateness_limit_{};
  bool default_lateness_limit_ = true;
  std::uint64_t accounted_ = 0;  // slots below this index are accounted
  std::uint64_t excused_from_ = 0, excused_to_ = 0;  // the latest excused run [from, to)
  std::uint64_t due_ = 0;
  std::uint64_t missed_ = 0;
};

}  // namespace bridge::poller
