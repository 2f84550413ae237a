// Scenario files: faults and passwords per meter; every error carries file:line:col.
#include "sim/scenario.h"

#include <gtest/gtest.h>

#include "sim/fleet.h"

namespace {

sim::Fleet make_fleet(std::uint32_t n) {
  return sim::Fleet(n, sim::make_profile(sim::ProfileKind::microstar), 1);
}

TEST(ScenarioTest, defaults_then_meters_in_file_order) {
  auto s = sim::parse_scenario(R"(
seed = 9
[defaults]
delay_ms = 20
[passwords]
"1" = "abcdefgh"
[[meter]]
id = 2
corrupt_fcs = 0.5
delay_ms = 0
[[meter]]
range = [3, 4]
silent = true
reject_association = "busy"
passwords = { "32" = "zz" }
[[meter]]
ids = [4]
silent = false
)",
                               "s.toml");
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->seed, 9U);
  auto fleet = make_fleet(5);
  ASSERT_TRUE(sim::apply_scenario(*s, fleet));
  EXPECT_EQ(fleet.find(1)->faults().delay.count(), 20);
  EXPECT_EQ(fleet.find(2)->faults().delay.count(), 0);
  EXPECT_DOUBLE_EQ(fleet.find(2)->faults().corrupt_fcs, 0.5);
  EXPECT_TRUE(fleet.find(3)->faults().silent);
  EXPECT_FALSE(fleet.find(4)->faults().silent);
  EXPECT_EQ(fleet.find(4)->faults().reject_association, sim::RejectMode::busy);
  EXPECT_EQ(fleet.find(5)->profile().passwords.at(1), "abcdefgh");
  EXPECT_EQ(fleet.find(3)->profile().passwords.at(32), "zz");
  EXPECT_EQ(fleet.find(5)->profile().passwords.at(32), "11111111");
}

TEST(ScenarioTest, unknown_key_names_file_line_and_column) {
  auto s = sim::parse_scenario("[defaults]\ndelay_ms = 1\nexplode = true\n", "bad.toml");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("bad.toml:3:"), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("explode"), std::string::npos) << s.error();
}

TEST(ScenarioTest, bad_value_and_every_error_are_reported) {
  auto s = sim::parse_scenario("typo = 1\n[[meter]]\nid = 1\ncorrupt_hcs = 3.0\n[[meter]]\nsilent = true\n", "x.toml");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("x.toml:1:"), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("x.toml:4:"), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("needs id"), std::string::npos) << s.error();
}

TEST(ScenarioTest, toml_syntax_error_has_position) {
  auto s = sim::parse_scenario("[defaults\n", "syn.toml");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().rfind("syn.toml:1:", 0), 0U) << s.error();
}

TEST(ScenarioTest, meter_outside_the_fleet_fails_and_changes_nothing) {
  auto s = sim::parse_scenario("[defaults]\nsilent = true\n[[meter]]\nid = 9\nrefuse = true\n", "f.toml");
  ASSERT_TRUE(s) << s.error();
  auto fleet = make_fleet(3);
  auto r = sim::apply_scenario(*s, fleet);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("meter 9"), std::string::npos);
  EXPECT_FALSE(fleet.find(1)->faults().silent);
}

TEST(ScenarioTest, password_keys_must_be_saps) {
  EXPECT_FALSE(sim::parse_scenario("[passwords]\nadmin = \"x\"\n", "p.toml"));
  EXPECT_FALSE(sim::parse_scenario("[passwords]\n\"200\" = \"x\"\n", "p.toml"));
  EXPECT_FALSE(sim::parse_scenario("[passwords]\n\"1\" = \"01234567890123456\"\n", "p.toml"));
}

}  // namespace
