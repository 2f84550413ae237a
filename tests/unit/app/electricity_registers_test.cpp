// Which objects of a list `discover` offers as electricity registers, and in what order.
#include "electricity_registers.h"

#include <gtest/gtest.h>

namespace {

using bridge::app::electricity_register;
using bridge::app::offered_registers;
using bridge::app::RegisterGroup;
using bridge::transport::ObjectListEntry;

ObjectListEntry reg(std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint8_t e, std::uint8_t f = 255,
                    int class_id = 3) {
  return ObjectListEntry{class_id, 0, {1, b, c, d, e, f}};
}

TEST(ElectricityRegistersTest, names_ignore_the_channel) {
  auto v = electricity_register({1, 0, 52, 7, 0, 255});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->key, "voltage_l2");
  EXPECT_EQ(v->group, RegisterGroup::voltage);
  EXPECT_EQ(electricity_register({1, 1, 1, 8, 0, 255})->key, "active_energy");
  EXPECT_EQ(electricity_register({1, 1, 13, 7, 0, 255})->group, RegisterGroup::power_factor);
  EXPECT_FALSE(electricity_register({1, 1, 1, 8, 0, 1}));    // a historical value
  EXPECT_FALSE(electricity_register({1, 1, 1, 2, 0, 255}));  // maximum demand: not offered
  EXPECT_FALSE(electricity_register({0, 0, 1, 0, 0, 255}));  // clock
}

TEST(ElectricityRegistersTest, main_channel_in_catalogue_order) {
  // A dual-channel meter: channel 1 is the sum, 2 and 3 repeat it; other objects are skipped.
  std::vector<ObjectListEntry> list{
      reg(2, 32, 7, 0),   reg(1, 14, 7, 0),         reg(1, 1, 8, 0), reg(1, 32, 7, 0),
      reg(1, 1, 8, 0, 3), reg(1, 31, 7, 0, 255, 7), reg(3, 1, 8, 0), ObjectListEntry{8, 0, {0, 0, 1, 0, 0, 255}}};
  auto offered = offered_registers(list);
  ASSERT_EQ(offered.size(), 3u);
  EXPECT_EQ(offered[0].what.key, "voltage_l1");
  EXPECT_EQ(offered[0].object.ln[1], 1);
  EXPECT_EQ(offered[1].what.key, "active_energy");
  EXPECT_EQ(offered[2].what.key, "frequency");
}

}  // namespace
