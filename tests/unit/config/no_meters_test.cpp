// A config without meters is valid only when it says so: an empty or truncated file must never
// load as "no meters" and remove the fleet on reload.
#include <gtest/gtest.h>

#include "bridge/config/config.h"
#include "test_util.h"

namespace {

using bridge::config::load_string;

TEST(NoMetersTest, an_empty_file_is_an_error_at_1_1_naming_the_override) {
  for (const char* text : {"", "\n\n", "# only a comment\n", "[bridge]\ninstance = \"x\"\n[qos]\npoll_interval = \"5s\"\n"}) {
    auto r = load_string(text, "cut.toml");
    ASSERT_FALSE(r) << text;
    ASSERT_EQ(r.error().size(), 1u) << config_test::all_errors(r.error());
    const std::string line = r.error()[0].to_string();
    EXPECT_EQ(line.rfind("cut.toml:1:1: no [[meter]] entries", 0), 0u) << line;
    EXPECT_NE(line.find("allow_no_meters = true"), std::string::npos) << line;
  }
}

TEST(NoMetersTest, an_empty_meter_array_is_no_meters_too) {
  auto r = load_string("# fleet\nmeter = []\n[qos]\npoll_interval = \"5s\"\n", "e.toml");
  ASSERT_FALSE(r);
  ASSERT_EQ(r.error().size(), 1u) << config_test::all_errors(r.error());
  const std::string line = r.error()[0].to_string();
  EXPECT_EQ(line.rfind("e.toml:2:", 0), 0u) << line;  // at the key
  EXPECT_NE(line.find("no [[meter]] entries"), std::string::npos) << line;
  EXPECT_TRUE(config_test::load_ok("meter = []\n[bridge]\nallow_no_meters = true\n").meters.empty());
}

TEST(NoMetersTest, allowed_explicitly_it_loads_with_no_meters) {
  auto c = config_test::load_ok("[bridge]\nallow_no_meters = true\n");
  EXPECT_TRUE(c.meters.empty());
  EXPECT_TRUE(c.bridge.allow_no_meters);
  EXPECT_FALSE(c.bridge.allow_mass_removal);
}

TEST(NoMetersTest, meters_that_are_all_disabled_are_still_listed_and_load) {
  // Intentional (each one says enabled = false): the health check reports the empty fleet.
  auto c = config_test::load_ok("[[meter]]\nid = \"m1\"\nhost = \"h\"\nenabled = false\n");
  ASSERT_EQ(c.meters.size(), 1u);
  EXPECT_FALSE(c.meters[0].enabled);
}

TEST(NoMetersTest, the_overrides_are_booleans) {
  auto r = load_string("[bridge]\nallow_no_meters = \"yes\"\nallow_mass_removal = 1\n", "b.toml");
  ASSERT_FALSE(r);
  const auto all = config_test::all_errors(r.error());
  EXPECT_NE(all.find("b.toml:2:"), std::string::npos) << all;
  EXPECT_NE(all.find("b.toml:3:"), std::string::npos) << all;
}

}  // namespace
