#include "bridge/hex.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace {

TEST(HexTest, formats_upper_case_space_separated) {
  const std::vector<std::uint8_t> frame{0x7E, 0xA0, 0x07, 0x0f};
  EXPECT_EQ(bridge::to_hex(frame), "7E A0 07 0F");
  EXPECT_EQ(bridge::to_hex(std::vector<std::uint8_t>{}), "");
  EXPECT_EQ(bridge::to_hex(std::vector<std::uint8_t>{0x00}), "00");
}

}  // namespace
