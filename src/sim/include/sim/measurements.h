#pragma once
// Time-varying electrical values of one simulated meter. Values are a pure function of
// (seed, meter id, quantity, seconds since start), so a run is reproducible with --seed and two
// reads within the same second agree. Energy only increases.
#include <cstdint>

#include "sim/profile.h"

namespace sim {

enum class Quantity {
  voltage_l1,
  voltage_l2,
  voltage_l3,
  current_l1,
  current_l2,
  current_l3,
  frequency,
  active_power,
  power_factor,
  active_energy,
};

// What a register holds: raw integer, scaler (value = raw * 10^scaler), DLMS unit.
struct Sample {
  std::int64_t raw = 0;
  std::int8_t scaler = 0;
  std::uint8_t unit = 0;
};

struct Scaling {
  std::int8_t scaler;
  std::uint8_t unit;  // DLMS unit enumeration: 35 V, 33 A, 44 Hz, 27 W, 30 Wh, 255 count
};
Scaling scaling_of(Quantity q);

class Measurements {
 public:
  Measurements(std::uint64_t seed, std::uint32_t meter_id, const Profile& profile);

  // elapsed_s: seconds since the simulator started (fractional part ignored except for energy).
  Sample sample(Quantity q, double elapsed_s) const;
  double value(Quantity q, double elapsed_s) const;  // in base units (V, A, Hz, W, Wh)

 private:
  double noise(Quantity q, std::int64_t second) const;  // uniform in [-1, 1)
  double mean_power() const;

  std::uint64_t key_;
  double voltage_;
  double frequency_;
  double current_;
  double power_factor_;
  double energy0_wh_;
};

}  // namespace sim
