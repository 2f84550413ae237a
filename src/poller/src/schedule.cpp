#include "bridge/poller/schedule.h"

namespace bridge::poller {

FixedRateSchedule::FixedRateSchedule(TimePoint start, Duration interval, Duration tolerance)
    : start_(start),
      interval_(interval > Duration::zero() ? interval : Duration{1}),
      tolerance_(tolerance),
      default_tolerance_(tolerance <= Duration::zero()) {
  if (default_tolerance_) tolerance_ = interval_ / 2;
}

FixedRateSchedule::Slot FixedRateSchedule::begin(TimePoint now) {
  Slot slot;
  std::uint64_t index = next_index_;
  if (now >= at(index) + interval_) {
    // Woken a whole interval (or more) late: the slots whose window is over are lost.
    const auto behind = static_cast<std::uint64_t>((now - at(index)) / interval_);
    index += behind;
    slot.skipped = behind;
    skipped_ += behind;
  }
  slot.index = index;
  slot.at = at(index);
  slot.lateness = now > slot.at ? std::chrono::duration_cast<Duration>(now - slot.at) : Duration::zero();
  slot.on_time = slot.lateness < tolerance_;
  next_index_ = index + 1;
  ++cycles_;
  if (slot.on_time) ++on_time_;
  return slot;
}

std::uint64_t FixedRateSchedule::finish(TimePoint now) {
  if (now <= at(next_index_)) return 0;
  // Overran into the next slot(s): skip to the first slot still ahead (no overlap, no burst).
  const auto over = now - at(next_index_);
  auto behind = static_cast<std::uint64_t>(over / interval_);
  if (at(next_index_ + behind) < now) ++behind;
  next_index_ += behind;
  skipped_ += behind;
  return behind;
}

void FixedRateSchedule::restart(TimePoint start, Duration interval) {
  start_ = start;
  interval_ = interval > Duration::zero() ? interval : Duration{1};
  if (default_tolerance_) tolerance_ = interval_ / 2;
  next_index_ = 0;
}

}  // namespace bridge::poller
