#include "sim/meter.h"

#include <cstdio>

namespace sim {

Meter::Meter(std::uint32_t id, Profile profile, std::uint64_t seed)
    : id_(id),
      profile_(std::move(profile)),
      measurements_(seed, id, profile_),
      random_(hash_combine(hash_combine(seed, id), 0xFA17)) {}

std::string Meter::serial_number() const {
  char text[24];
  std::snprintf(text, sizeof text, "%012u", 19'000'000U + physical_address());
  return text;
}

bool Meter::swallow_request() {
  ++requests_;
  if (!silenced_ && faults_.silent_after > 0 && requests_ > static_cast<std::uint64_t>(faults_.silent_after)) {
    silenced_ = true;
    counts_.add(FaultKind::silent_after);
  }
  if (is_silent()) {
    counts_.add(FaultKind::silent);
    return true;
  }
  return false;
}

void Meter::reset() {
  faults_ = FaultSettings{};
  silenced_ = false;
  requests_ = 0;
  clock_adjust_ = std::chrono::duration<double>{0};
}

WallTime Meter::clock_time(WallTime wall, double elapsed_s) const {
  const std::chrono::duration<double> off{faults_.clock_offset_s + faults_.clock_drift_ppm * 1e-6 * elapsed_s};
  return wall + std::chrono::duration_cast<WallTime::duration>(off + clock_adjust_);
}

void Meter::set_clock(WallTime meter_time, WallTime wall, double elapsed_s) {
  clock_adjust_ += meter_time - clock_time(wall, elapsed_s);
}

}  // namespace sim
