// Per-meter QoS overrides, register resolution and the reload diff.
#include <gtest/gtest.h>

#include "bridge/config/config.h"
#include "bridge/config/diff.h"
#include "test_util.h"

namespace {

using namespace std::chrono_literals;

const char* kFleet =
    "[qos]\n"
    "request_timeout = \"9s\"\n"
    "silence_timeout = \"20m\"\n"
    "keepalive_idle = \"90s\"\n"
    "[register_sets.pair]\n"
    "registers = [ { key = \"voltage_l1\", obis = \"1-1:32.7.0\" }, { key = \"energy\", obis = \"1-1:1.8.0\", "
    "class = 4, attribute = 2, unit = \"kWh\" } ]\n"
    "[[meter]]\nid = \"plain\"\nhost = \"10.0.0.1\"\n"
    "[[meter]]\nid = \"tuned\"\nhost = \"10.0.0.2\"\n"
    "request_timeout = \"12s\"\npoll_interval = \"1s\"\nkeepalive_idle = \"off\"\nreconnect_every_reads = 10\n"
    "register_set = \"pair\"\n"
    "  [[meter.register]]\n  key = \"frequency\"\n  obis = \"1-1:14.7.0\"\n";

TEST(OverridesTest, meter_qos_is_fleet_qos_with_the_meters_own_keys_on_top) {
  auto c = config_test::load_ok(kFleet);
  ASSERT_EQ(c.meters.size(), 2u);
  const auto& plain = c.meters[0];
  const auto& tuned = c.meters[1];
  EXPECT_EQ(plain.qos, c.qos);
  EXPECT_EQ(plain.qos.request_timeout, 9s);  // fleet override of the 7 s default
  EXPECT_EQ(plain.qos.poll_interval, 5s);    // built-in default
  EXPECT_EQ(tuned.qos.request_timeout, 12s);
  EXPECT_EQ(tuned.qos.poll_interval, 1s);
  EXPECT_FALSE(tuned.qos.keepalive_idle.has_value());
  EXPECT_EQ(tuned.qos.reconnect_every_reads, 10u);
  EXPECT_EQ(tuned.qos.silence_timeout, 20min);  // inherited from [qos]
  EXPECT_EQ(tuned.qos.connect_attempts, 3u);    // inherited default
}

TEST(OverridesTest, register_set_and_inline_registers_are_combined_in_order) {
  auto c = config_test::load_ok(kFleet);
  const auto& tuned = c.meters[1];
  EXPECT_EQ(tuned.register_set, "pair");
  ASSERT_EQ(tuned.registers.size(), 3u);
  EXPECT_EQ(tuned.registers[0].key, "voltage_l1");
  EXPECT_EQ(tuned.registers[1].key, "energy");
  EXPECT_EQ(tuned.registers[1].class_id, 4);
  EXPECT_EQ(tuned.registers[1].unit, std::optional<std::string>("kWh"));
  EXPECT_EQ(tuned.registers[2].key, "frequency");
  EXPECT_EQ(tuned.registers[2].obis.bytes, (std::array<std::uint8_t, 6>{1, 1, 14, 7, 0, 255}));
}

TEST(OverridesTest, inline_registers_alone_replace_the_default_set) {
  auto c = config_test::load_ok(
      "[[meter]]\nid = \"m\"\nhost = \"h\"\n[[meter.register]]\nkey = \"v\"\n"
      "obis = \"1.0.32.7.0.255\"\nclass = 1\nattribute = 3\n");
  const auto& m = c.meters.at(0);
  EXPECT_EQ(m.register_set, "");
  ASSERT_EQ(m.registers.size(), 1u);
  EXPECT_EQ(m.registers[0].obis.to_string(), "1-0:32.7.0");
  EXPECT_EQ(m.registers[0].class_id, 1);
  EXPECT_EQ(m.registers[0].attribute, 3);
}

TEST(OverridesTest, a_file_may_redefine_the_default_set) {
  auto c = config_test::load_ok(
      "[register_sets]\ndefault = [ { key = \"v\", obis = \"1-0:32.7.0\" } ]\n"
      "[[meter]]\nid = \"m\"\nhost = \"h\"\n");
  ASSERT_EQ(c.meters.at(0).registers.size(), 1u);
  EXPECT_EQ(c.meters[0].registers[0].obis.to_string(), "1-0:32.7.0");
}

TEST(ReloadDiffTest, tells_added_removed_reconnect_and_in_place_changes_apart) {
  auto before = config_test::load_ok(
      "[[meter]]\nid = \"same\"\nhost = \"h1\"\n"
      "[[meter]]\nid = \"moved\"\nhost = \"h2\"\n"
      "[[meter]]\nid = \"repassworded\"\nhost = \"h3\"\nauth = \"low\"\npassword = \"a\"\n"
      "[[meter]]\nid = \"retuned\"\nhost = \"h4\"\n"
      "[[meter]]\nid = \"gone\"\nhost = \"h5\"\n");
  auto after = config_test::load_ok(
      "[[meter]]\nid = \"same\"\nhost = \"h1\"\n"
      "[[meter]]\nid = \"moved\"\nhost = \"h2\"\nport = 4059\n"
      "[[meter]]\nid = \"repassworded\"\nhost = \"h3\"\nauth = \"low\"\npassword = \"b\"\n"
      "[[meter]]\nid = \"retuned\"\nhost = \"h4\"\npoll_interval = \"10s\"\n"
      "[[meter]]\nid = \"new\"\nhost = \"h6\"\n");
  auto d = bridge::config::diff_meters(before, after);
  EXPECT_EQ(d.added, std::vector<std::string>{"new"});
  EXPECT_EQ(d.removed, std::vector<std::string>{"gone"});
  EXPECT_EQ(d.connection_changed, (std::vector<std::string>{"moved", "repassworded"}));
  EXPECT_EQ(d.settings_changed, std::vector<std::string>{"retuned"});
  EXPECT_TRUE(bridge::config::diff_meters(before, before).empty());

  const auto& r0 = *before.find_meter("retuned");
  const auto& r1 = *after.find_meter("retuned");
  EXPECT_TRUE(bridge::config::same_connection(r0, r1));
  EXPECT_TRUE(bridge::config::same_registers(r0, r1));
  EXPECT_FALSE(bridge::config::same_qos(r0, r1));
  EXPECT_FALSE(bridge::config::same_meter(r0, r1));
}

}  // namespace
