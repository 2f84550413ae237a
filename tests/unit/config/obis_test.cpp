// OBIS text forms accepted in register definitions.
#include "bridge/config/obis.h"

#include <gtest/gtest.h>

namespace {

using bridge::config::parse_obis;

TEST(ObisTest, named_form_defaults_f_to_255) {
  auto r = parse_obis("1-1:32.7.0");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->bytes, (std::array<std::uint8_t, 6>{1, 1, 32, 7, 0, 255}));
  EXPECT_EQ(r->to_string(), "1-1:32.7.0");
}

TEST(ObisTest, star_and_dotted_forms_give_the_same_code) {
  auto star = parse_obis("1-0:32.7.0*255");
  auto dotted = parse_obis("1.0.32.7.0.255");
  auto six = parse_obis("1-0:32.7.0.255");
  ASSERT_TRUE(star && dotted && six);
  EXPECT_EQ(*star, *dotted);
  EXPECT_EQ(*star, *six);
  EXPECT_EQ(star->to_string(), "1-0:32.7.0");
}

TEST(ObisTest, non_default_f_is_kept_in_the_text) {
  auto r = parse_obis("0-0:96.51.4*3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->bytes[5], 3);
  EXPECT_EQ(r->to_string(), "0-0:96.51.4*3");
}

TEST(ObisTest, malformed_codes_are_rejected) {
  for (const char* bad : {"", "1-1:32.7", "1-1:32.7.0.0.0", "1-1:256.7.0", "1-1;32.7.0", "1.1.32.7.0", "a-b:c.d.e",
                          "1-1:32.7.0*", "1-1:32..0", "1-1:32.7.0 ", "1:1-32.7.0", "1-1:0032.7.0"}) {
    auto r = parse_obis(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_NE(r.error().find("bad OBIS code"), std::string::npos) << r.error();
    }
  }
}

}  // namespace
