#pragma once
// Virtual time for the policy tests: starts at an arbitrary point, moves only when told.
#include "bridge/poller/clock.h"

namespace bridge::poller::testing {

using namespace std::chrono_literals;

struct FakeClock {
  TimePoint now = TimePoint{} + std::chrono::hours(1000);
  TimePoint advance(Duration d) { return now += d; }
};

}  // namespace bridge::poller::testing
