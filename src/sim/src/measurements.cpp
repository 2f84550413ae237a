#include "sim/measurements.h"

#include <cmath>

#include "sim/random.h"

namespace sim {

Scaling scaling_of(Quantity q) {
  switch (q) {
    case Quantity::voltage_l1:
    case Quantity::voltage_l2:
    case Quantity::voltage_l3: return {-2, 35};  // raw 13500 = 135.00 V (docs/protocol.md 1.10)
    case Quantity::current_l1:
    case Quantity::current_l2:
    case Quantity::current_l3: return {-3, 33};    // raw 1300 = 1.300 A
    case Quantity::frequency: return {-2, 44};     // raw 6000 = 60.00 Hz
    case Quantity::active_power: return {-1, 27};  // W
    case Quantity::power_factor: return {-3, 255};
    case Quantity::active_energy: return {0, 30};  // Wh
  }
  return {0, 255};
}

Measurements::Measurements(std::uint64_t seed, std::uint32_t meter_id, const Profile& profile)
    : key_(hash_combine(seed, meter_id)) {
  Random r(key_);
  // Each meter sits a little off nominal so a fleet shows distinct values.
  voltage_ = profile.nominal_voltage * (1.0 + 0.02 * (r.uniform() - 0.5));
  frequency_ = profile.nominal_frequency;
  current_ = profile.nominal_current * (0.5 + r.uniform());
  power_factor_ = 0.85 + 0.14 * r.uniform();
  energy0_wh_ = 10'000.0 + std::floor(90'000.0 * r.uniform());
}

double Measurements::noise(Quantity q, std::int64_t second) const {
  auto h = hash_combine(hash_combine(key_, static_cast<std::uint64_t>(q)), static_cast<std::uint64_t>(second));
  return 2.0 * unit_interval(h) - 1.0;
}

double Measurements::mean_power() const {
  return voltage_ * current_ * power_factor_;
}

double Measurements::value(Quantity q, double elapsed_s) const {
  auto second = static_cast<std::int64_t>(std::floor(elapsed_s));
  // A slow daily-like swing (period 10 min, so tests see it move) plus per-second noise.
  double swing = std::sin(2.0 * M_PI * static_cast<double>(second) / 600.0 + static_cast<double>(key_ % 628) / 100.0);
  switch (q) {
    case Quantity::voltage_l1:
    case Quantity::voltage_l2:
    case Quantity::voltage_l3: {
      double phase_offset = 0.003 * static_cast<int>(q);
      return voltage_ * (1.0 + phase_offset + 0.01 * swing + 0.004 * noise(q, second));
    }
    case Quantity::current_l1:
    case Quantity::current_l2:
    case Quantity::current_l3: return current_ * (1.0 + 0.2 * swing + 0.02 * noise(q, second));
    case Quantity::frequency: return frequency_ * (1.0 + 0.0005 * noise(q, second));
    case Quantity::power_factor: return power_factor_ + 0.005 * noise(q, second);
    case Quantity::active_power: {
      return value(Quantity::voltage_l1, elapsed_s) * value(Quantity::current_l1, elapsed_s) *
             value(Quantity::power_factor, elapsed_s);
    }
    case Quantity::active_energy:
      // Integral of a constant mean power: monotonic whatever the noise does. Before the start
      // (the load profile's history) it counts backwards, never below zero.
      return std::max(0.0, energy0_wh_ + mean_power() * elapsed_s / 3600.0);
  }
  return 0;
}

Sample Measurements::sample(Quantity q, double elapsed_s) const {
  auto s = scaling_of(q);
  double v = value(q, elapsed_s);
  double raw = v / std::pow(10.0, s.scaler);
  // Energy is truncated (a register never counts ahead); the others round.
  auto r = q == Quantity::active_energy ? static_cast<std::int64_t>(std::floor(raw))
                                        : static_cast<std::int64_t>(std::llround(raw));
  return {r, s.scaler, s.unit};
}

}  // namespace sim
