#include "bridge/poller/session_context.h"

#include "bridge/log.h"
#include "bridge/wall_clock.h"

namespace bridge::poller {

std::int64_t to_wall_ms(TimePoint t) {
  if (t == TimePoint{} || t == TimePoint::max()) return 0;
  return bridge::wall_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
}

void SessionContext::emit(Event event, bool always) {
  if (event.ts_ms == 0) event.ts_ms = bridge::wall_ms();
  std::int64_t repeat = 0;
  if (!always) {
    auto d = throttle.admit(event, event.ts_ms);
    if (!d.emit) return;
    // The count travels beside the message (store column repeat_count, log field), so readers
    // word it once: ctl and the status page say "(3 similar events before this one)".
    repeat = d.repeat_count;
  }
  const log::Level level = event.severity == Severity::critical ? log::Level::critical
                           : event.severity == Severity::error  ? log::Level::error
                           : event.severity == Severity::warning ? log::Level::warn
                                                                 : log::Level::info;
  if (repeat > 0) {
    log::write(level, event.message,
               {{"meter", event.meter}, {"category", event.category}, {"event", to_label(event.severity)},
                {"similar_before", repeat}});
  } else {
    log::write(level, event.message,
               {{"meter", event.meter}, {"category", event.category}, {"event", to_label(event.severity)}});
  }
  observers.on_event(event, repeat);
  if (events) events->on_event(event);
}

void SessionContext::publish(const MeterStatus& status) {
  std::lock_guard lock(mutex_);
  statuses_.insert_or_assign(status.id, status);
}

void SessionContext::forget(const std::string& id) {
  std::lock_guard lock(mutex_);
  statuses_.erase(id);
}

std::optional<MeterStatus> SessionContext::snapshot(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = statuses_.find(id);
  if (it == statuses_.end()) return std::nullopt;
  return it->second;
}

std::vector<MeterStatus> SessionContext::snapshots() const {
  std::lock_guard lock(mutex_);
  std::vector<MeterStatus> out;
  out.reserve(statuses_.size());
  for (const auto& [id, s] : statuses_) out.push_back(s);
  return out;
}

}  // namespace bridge::poller
