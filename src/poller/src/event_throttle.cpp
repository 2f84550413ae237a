#include "bridge/poller/event_throttle.h"

namespace bridge::poller {

namespace {
std::string key_of(std::string_view meter, std::string_view category) {
  std::string key;
  key.reserve(meter.size() + category.size() + 1);
  key.append(meter).push_back('\x1f');
  key.append(category);
  return key;
}
}  // namespace

EventThrottle::Decision EventThrottle::admit(std::string_view meter, std::string_view category, TimePoint now) {
  auto [it, inserted] = entries_.try_emplace(key_of(meter, category));
  Entry& e = it->second;
  if (inserted || now - e.last >= period_) {
    Decision d{true, e.suppressed};
    e.last = now;
    e.suppressed = 0;
    return d;
  }
  ++e.suppressed;
  return Decision{false, e.suppressed};
}

void EventThrottle::forget(std::string_view meter) {
  const std::string prefix = std::string(meter) + '\x1f';
  auto it = entries_.lower_bound(prefix);
  while (it != entries_.end() && it->first.compare(0, prefix.size(), prefix) == 0) it = entries_.erase(it);
}

}  // namespace bridge::poller
