#pragma once
// Event throttling (field notes §8: "throttling 300 s per meter+category"). Pure: the caller
// passes the time, so it is tested with a fake clock.
//
// Per (meter, category): the first event opens a window and is emitted. Further events inside
// the window are suppressed and counted. The first event after the window closes is emitted
// with repeat_count = number suppressed since the last emitted one, and opens a new window.
// An event whose severity is higher than the last emitted one for the key is never hidden: it
// is emitted at once (carrying the count so far) and opens a new window.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "bridge/event.h"

namespace bridge::store {

class EventThrottle {
 public:
  struct Decision {
    bool emit = true;
    std::int64_t repeat_count = 0;  // suppressed repeats to report with this event (when emit)
  };

  explicit EventThrottle(std::chrono::milliseconds window = std::chrono::minutes(5)) : window_(window) {}

  Decision admit(std::string_view meter, std::string_view category, bridge::Severity severity, std::int64_t now_ms);
  Decision admit(const bridge::Event& event, std::int64_t now_ms) {
    return admit(event.meter, event.category, event.severity, now_ms);
  }

  // Suppressed events for the key not yet reported.
  std::int64_t pending(std::string_view meter, std::string_view category) const;
  // Forgets keys whose window closed with nothing pending (bounded memory). admit() calls it
  // every few thousand calls; callers may call it too.
  void prune(std::int64_t now_ms);
  std::size_t tracked_keys() const { return keys_.size(); }
  std::chrono::milliseconds window() const { return window_; }

 private:
  struct State {
    std::int64_t window_start_ms = 0;
    bridge::Severity last_severity = bridge::Severity::info;
    std::int64_t suppressed = 0;
  };
  // meter + '\x1f' + category (unit separator: cannot appear in ids/categories).
  static std::string key(std::string_view meter, std::string_view category);

  std::chrono::milliseconds window_;
  std::map<std::string, State, std::less<>> keys_;
  std::uint64_t calls_ = 0;
};

}  // namespace bridge::store
