#include "dlms/bytes.h"

#include <gtest/gtest.h>

namespace {

TEST(BytesTest, to_hex_is_upper_case_and_space_separated) {
  const dlms::Bytes b{0x7E, 0xA0, 0x07, 0x0f};
  EXPECT_EQ(dlms::to_hex(b), "7E A0 07 0F");
  EXPECT_EQ(dlms::to_hex(dlms::Bytes{}), "");
}

TEST(BytesTest, from_hex_accepts_spacing_and_case) {
  EXPECT_EQ(dlms::from_hex("7ea0 07\n0F"), (dlms::Bytes{0x7E, 0xA0, 0x07, 0x0F}));
  EXPECT_EQ(dlms::from_hex(""), dlms::Bytes{});
}

TEST(BytesTest, from_hex_rejects_odd_digits_and_non_hex) {
  EXPECT_FALSE(dlms::from_hex("7E A"));
  EXPECT_FALSE(dlms::from_hex("7G"));
  EXPECT_FALSE(dlms::from_hex("7 E"));
}

TEST(BytesTest, round_trip) {
  dlms::Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<std::uint8_t>(i));
  EXPECT_EQ(dlms::from_hex(dlms::to_hex(all)), all);
}

}  // namespace
