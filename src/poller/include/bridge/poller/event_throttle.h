#pragma once
// One event per (meter, category) per period (default 5 min), with the number of events
// suppressed since the last one that went through, so a flapping meter writes one row every
// five minutes saying "... (repeated 37 times)" instead of 37 rows.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "bridge/poller/clock.h"

namespace bridge::poller {

class EventThrottle {
 public:
  explicit EventThrottle(Duration period = Duration{300000}) : period_(period) {}

  struct Decision {
    bool emit = false;
    std::uint32_t suppressed = 0;  // events of this key dropped since the previous emitted one
  };
  Decision admit(std::string_view meter, std::string_view category, TimePoint now);
  void forget(std::string_view meter);
  void set_period(Duration p) { period_ = p; }

 private:
  struct Entry {
    TimePoint last{};
    std::uint32_t suppressed = 0;
  };
  Duration period_;
  std::map<std::string, Entry, std::less<>> entries_;  // key: meter '\x1f' category
};

}  // namespace bridge::poller
