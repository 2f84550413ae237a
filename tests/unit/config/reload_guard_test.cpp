// The reload safety rule: more than half of the running meters stopping needs an explicit yes.
#include "bridge/config/reload_guard.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace {

using bridge::config::check_removal;
using bridge::config::Config;

Config fleet(std::initializer_list<const char*> ids, const std::string& bridge = "", const char* disabled = nullptr) {
  std::string text = "[bridge]\nallow_no_meters = true\n" + bridge;
  for (const char* id : ids) {
    text += std::string("[[meter]]\nid = \"") + id + "\"\nhost = \"10.0.0.1\"\n";
    if (disabled && std::string(disabled) == id) text += "enabled = false\n";
  }
  return config_test::load_ok(text);
}

TEST(ReloadGuardTest, more_than_half_stopping_is_refused_half_is_not) {
  const auto running = fleet({"a", "b", "c", "d"});
  auto c = check_removal(running, fleet({"a", "b"}), false);
  EXPECT_FALSE(c.refused);  // 2 of 4: half
  EXPECT_EQ(c.running, 4u);
  EXPECT_EQ(c.stopping, (std::vector<std::string>{"c", "d"}));
  c = check_removal(running, fleet({"a"}), false);
  EXPECT_TRUE(c.refused);  // 3 of 4
  EXPECT_EQ(c.stopping.size(), 3u);
  EXPECT_NE(c.message().find("would stop 3 of 4 running meters (b, c, d)"), std::string::npos) << c.message();
  EXPECT_NE(c.message().find("POST /-/reload?confirm=remove-meters"), std::string::npos);
  EXPECT_NE(c.message().find("allow_mass_removal = true"), std::string::npos);
}

TEST(ReloadGuardTest, an_empty_fleet_the_confirmation_or_the_override_lets_it_through) {
  const auto running = fleet({"a", "b", "c"});
  EXPECT_TRUE(check_removal(running, fleet({}), false).refused);
  EXPECT_FALSE(check_removal(running, fleet({}), true).refused);
  EXPECT_FALSE(check_removal(running, fleet({}, "allow_mass_removal = true\n"), false).refused);
  // Nothing running: nothing to protect.
  EXPECT_FALSE(check_removal(fleet({}), fleet({"a"}), false).refused);
}

TEST(ReloadGuardTest, disabling_counts_as_stopping_and_disabled_meters_are_not_running) {
  const auto running = fleet({"a", "b", "c"}, "", "c");  // c is not running
  auto c = check_removal(running, fleet({"a", "b"}, "", "b"), false);
  EXPECT_EQ(c.running, 2u);
  EXPECT_EQ(c.stopping, (std::vector<std::string>{"b"}));
  EXPECT_FALSE(c.refused);  // 1 of 2
  c = check_removal(running, fleet({"a", "b", "x"}, "", "a"), false);
  EXPECT_FALSE(c.refused);
  c = check_removal(running, fleet({"x", "y"}), false);  // renames: both running ones stop
  EXPECT_TRUE(c.refused);
}

}  // namespace
