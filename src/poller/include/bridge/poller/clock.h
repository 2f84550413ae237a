#pragma once
// Time types shared by the poller's policies. Policies never read a clock: the caller passes
// `now`, so unit tests drive them with a fake clock and the session with steady_clock.
#include <chrono>

namespace bridge::poller {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = std::chrono::milliseconds;

}  // namespace bridge::poller
