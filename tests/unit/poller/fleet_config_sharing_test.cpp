// The sessions point into the loaded config instead of keeping a copy of their [[meter]] entry
// (about 1.3 KB per meter at 10,000 meters, bench/RESULTS.md "Memory"), and a reload moves every
// session onto the new config, so the old one is freed: an unchanged or paused meter must not
// keep a whole fleet's config alive.
#include "fleet_fixture.h"

namespace bridge::poller::testing {
namespace {

TEST_F(FleetTest, sessions_share_the_loaded_config_and_a_reload_frees_the_old_one) {
  auto first = std::make_shared<const config::Config>(make_config(3));
  const std::weak_ptr<const config::Config> first_alive = first;
  FleetDependencies deps;
  deps.readings = &readings;
  deps.events = &events;
  deps.connections = meters.factory();
  fleet = std::make_unique<Fleet>(io, first, deps);
  fleet->start();
  ASSERT_TRUE(run_until([&] {
    return readings.count["m1"] >= 1 && readings.count["m2"] >= 1 && readings.count["m3"] >= 1;
  }));
  ASSERT_TRUE(fleet->pause("m3"));
  ASSERT_TRUE(run_until([&] { return st("m3").state == MeterState::paused; }));

  auto next = std::make_shared<config::Config>(*first);
  next->meters[1].registers.pop_back();  // m2 changed; m1 and the paused m3 unchanged
  first.reset();
  // The fleet and its three sessions hold the very object the caller loaded, not copies.
  EXPECT_GE(first_alive.use_count(), 4);

  fleet->apply(std::shared_ptr<const config::Config>(std::move(next)));
  const int m2_before = readings.count["m2"];
  ASSERT_TRUE(run_until([&] { return readings.count["m2"] >= m2_before + 2; }));
  EXPECT_EQ(readings.last["m2"].values.size(), 2u);
  EXPECT_TRUE(first_alive.expired()) << first_alive.use_count() << " references left to the old config";
  // And the meters go on as before on the new one.
  const int m1_before = readings.count["m1"];
  ASSERT_TRUE(run_until([&] { return readings.count["m1"] >= m1_before + 2; }));
  EXPECT_EQ(st("m3").state, MeterState::paused);
}

}  // namespace
}  // namespace bridge::poller::testing
