// Meter values: realistic ranges, correct scaler/unit, deterministic per seed, energy monotonic,
// meters of a fleet differ.
#include "sim/measurements.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "sim/fleet.h"

namespace {

using sim::Quantity;

TEST(MeasurementsTest, microstar_voltage_is_near_135_v_with_scaler_minus_2_unit_v) {
  sim::Measurements m(1, 1, sim::make_profile(sim::ProfileKind::microstar));
  for (double t = 0; t < 600; t += 7) {
    auto s = m.sample(Quantity::voltage_l1, t);
    EXPECT_EQ(s.scaler, -2);
    EXPECT_EQ(s.unit, 35);
    double volts = static_cast<double>(s.raw) / 100.0;
    EXPECT_GT(volts, 130.0);
    EXPECT_LT(volts, 140.0);
  }
}

TEST(MeasurementsTest, generic_voltage_is_near_230_v_and_frequency_near_50_hz) {
  sim::Measurements m(1, 1, sim::make_profile(sim::ProfileKind::generic));
  EXPECT_NEAR(m.value(Quantity::voltage_l1, 10), 230.0, 230.0 * 0.03);
  EXPECT_NEAR(m.value(Quantity::frequency, 10), 50.0, 0.1);
  auto f = m.sample(Quantity::frequency, 10);
  EXPECT_EQ(f.unit, 44);
  EXPECT_EQ(f.scaler, -2);
}

TEST(MeasurementsTest, values_vary_over_time_but_are_stable_within_a_second) {
  sim::Measurements m(3, 2, sim::make_profile(sim::ProfileKind::microstar));
  EXPECT_EQ(m.sample(Quantity::current_l1, 5.1).raw, m.sample(Quantity::current_l1, 5.9).raw);
  std::set<std::int64_t> seen;
  for (int t = 0; t < 60; ++t) seen.insert(m.sample(Quantity::voltage_l1, t).raw);
  EXPECT_GT(seen.size(), 10U);
}

TEST(MeasurementsTest, same_seed_same_values_other_seed_other_values) {
  auto p = sim::make_profile(sim::ProfileKind::microstar);
  sim::Measurements a(42, 7, p), b(42, 7, p), c(43, 7, p);
  for (int t = 0; t < 30; ++t) {
    EXPECT_EQ(a.sample(Quantity::voltage_l1, t).raw, b.sample(Quantity::voltage_l1, t).raw);
  }
  int differ = 0;
  for (int t = 0; t < 30; ++t) differ += a.sample(Quantity::voltage_l1, t).raw != c.sample(Quantity::voltage_l1, t).raw;
  EXPECT_GT(differ, 20);
}

TEST(MeasurementsTest, energy_never_decreases_and_grows_with_power) {
  sim::Measurements m(9, 1, sim::make_profile(sim::ProfileKind::generic));
  std::int64_t last = m.sample(Quantity::active_energy, 0).raw;
  for (double t = 0.5; t < 7200; t += 13.7) {
    auto now = m.sample(Quantity::active_energy, t).raw;
    EXPECT_GE(now, last) << t;
    last = now;
  }
  EXPECT_GT(last, m.sample(Quantity::active_energy, 0).raw);
  EXPECT_EQ(m.sample(Quantity::active_energy, 0).unit, 30);
}

TEST(MeasurementsTest, power_is_voltage_times_current_times_power_factor) {
  sim::Measurements m(5, 3, sim::make_profile(sim::ProfileKind::generic));
  double p = m.value(Quantity::active_power, 42);
  double vi = m.value(Quantity::voltage_l1, 42) * m.value(Quantity::current_l1, 42);
  EXPECT_GT(p, 0.8 * vi);
  EXPECT_LE(p, vi);
}

TEST(MeasurementsTest, fleet_meters_have_distinct_serials_and_values) {
  sim::Fleet fleet(100, sim::make_profile(sim::ProfileKind::microstar), 1);
  std::set<std::string> serials;
  std::set<std::int64_t> voltages;
  for (const auto& m : fleet) {
    serials.insert(m->serial_number());
    voltages.insert(m->measurements().sample(Quantity::voltage_l1, 0).raw);
  }
  EXPECT_EQ(serials.size(), 100U);
  EXPECT_GT(voltages.size(), 50U);
  EXPECT_EQ(fleet.find(34)->serial_number(), "000019000034");
  EXPECT_EQ(fleet.find(0), nullptr);
  EXPECT_EQ(fleet.find(101), nullptr);
}

}  // namespace
