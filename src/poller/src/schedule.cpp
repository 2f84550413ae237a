#include "bridge/poller/schedule.h"

#include <algorithm>

namespace bridge::poller {

FixedRateSchedule::FixedRateSchedule(TimePoint start, Duration interval, Duration tolerance)
    : start_(start),
      interval_(interval > Duration::zero() ? interval : Duration{1}),
      tolerance_(tolerance),
      default_tolerance_(tolerance <= Duration::zero()) {
  if (default_tolerance_) tolerance_ = interval_ / 2;
  set_max_start_lateness(Duration::zero());
}

void FixedRateSchedule::set_max_start_lateness(Duration limit) {
  default_lateness_limit_ = limit <= Duration::zero();
  lateness_limit_ = default_lateness_limit_ ? interval_ / 10 : limit;
}

std::uint64_t FixedRateSchedule::unaccounted_before(TimePoint t) const {
  const TimePoint first = at(accounted_);
  if (t <= first) return 0;
  return static_cast<std::uint64_t>((t - first + interval_ - Clock::duration{1}) / interval_);
}

void FixedRateSchedule::miss_range(std::uint64_t from, std::uint64_t to) {
  from = std::max(from, accounted_);
  if (to <= from) return;
  due_ += to - from;
  missed_ += to - from;
  accounted_ = to;
}

void FixedRateSchedule::excuse_until(TimePoint until) {
  const auto n = unaccounted_before(until);
  if (n == 0) return;
  if (excused_to_ != accounted_) excused_from_ = accounted_;
  accounted_ += n;
  excused_to_ = accounted_;
}

void FixedRateSchedule::write_off(TimePoint now) {
  const auto n = unaccounted_before(now - lateness_limit_);
  miss_range(accounted_, accounted_ + n);
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
    miss_range(next_index_, index);
  }
  slot.index = index;
  slot.at = at(index);
  slot.lateness = now > slot.at ? std::chrono::duration_cast<Duration>(now - slot.at) : Duration::zero();
  slot.on_time = slot.lateness < tolerance_;
  if (index >= accounted_) {
    slot.owed = true;
    slot.missed = slot.lateness > lateness_limit_;
    ++due_;
    if (slot.missed) ++missed_;
    accounted_ = index + 1;
  } else {
    // Accounted before its cycle began: written off (owed, already missed) or excused.
    slot.owed = !(index >= excused_from_ && index < excused_to_);
  }
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
  miss_range(next_index_, next_index_ + behind);
  next_index_ += behind;
  skipped_ += behind;
  return behind;
}

void FixedRateSchedule::restart(TimePoint start, Duration interval) {
  start_ = start;
  interval_ = interval > Duration::zero() ? interval : Duration{1};
  if (default_tolerance_) tolerance_ = interval_ / 2;
  if (default_lateness_limit_) lateness_limit_ = interval_ / 10;
  next_index_ = 0;
  accounted_ = 0;
  excused_from_ = excused_to_ = 0;
}

}  // namespace bridge::poller
