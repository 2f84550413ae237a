#pragma once
// Wall-clock time as the project stores and prints it: milliseconds since the Unix epoch
// (readings, events, outbox rows, API timestamps). Scheduling uses steady_clock instead.
#include <chrono>
#include <cstdint>

namespace bridge {

inline std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace bridge
