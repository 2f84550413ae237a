#pragma once
// The one clock type of the sans-I/O core: callers pass `now` in; nothing here reads a clock.
#include <chrono>

namespace dlms {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

}  // namespace dlms
