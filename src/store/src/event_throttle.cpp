#include "bridge/store/event_throttle.h"

namespace bridge::store {
namespace {
constexpr std::uint64_t kPruneEvery = 4096;
}  // namespace

std::string EventThrottle::key(std::string_view meter, std::string_view category) {
  std::string k;
  k.reserve(meter.size() + category.size() + 1);
  k.append(meter);
  k.push_back('\x1f');
  k.append(category);
  return k;
}

EventThrottle::Decision EventThrottle::admit(std::string_view meter, std::string_view category,
                                             bridge::Severity severity, std::int64_t now_ms) {
  if (++calls_ % kPruneEvery == 0) prune(now_ms);
  auto it = keys_.find(key(meter, category));
  if (it == keys_.end()) {
    keys_.emplace(key(meter, category), State{now_ms, severity, 0});
    return {true, 0};
  }
  State& s = it->second;
  const bool window_closed = now_ms - s.window_start_ms >= window_.count() || now_ms < s.window_start_ms;
  const bool escalation = static_cast<int>(severity) > static_cast<int>(s.last_severity);
  if (window_closed || escalation) {
    Decision d{true, s.suppressed};
    s = State{now_ms, severity, 0};
    return d;
  }
  ++s.suppressed;
  return {false, 0};
}

std::int64_t EventThrottle::pending(std::string_view meter, std::string_view category) const {
  auto it = keys_.find(key(meter, category));
  return it == keys_.end() ? 0 : it->second.suppressed;
}

void EventThrottle::prune(std::int64_t now_ms) {
  for (auto it = keys_.begin(); it != keys_.end();) {
    const State& s = it->second;
    if (s.suppressed == 0 && now_ms - s.window_start_ms >= window_.count()) {
      it = keys_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace bridge::store
