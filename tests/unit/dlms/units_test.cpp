#include "dlms/cosem/units.h"

#include <gtest/gtest.h>

#include "dlms/cosem/register.h"

namespace {

using namespace dlms::cosem;

// [BUG] docs/protocol.md 1.10: the previous table mapped 35 to Hz, 27 to VAh, 29 to W ...
TEST(UnitsTest, blue_book_codes_and_symbols) {
  const std::pair<std::uint8_t, std::string_view> expected[] = {
      {8, "°"},   {9, "°C"},   {27, "W"},  {28, "VA"}, {29, "var"}, {30, "Wh"}, {31, "VAh"},
      {32, "varh"}, {33, "A"}, {35, "V"},  {44, "Hz"}, {56, "%"},   {5, "h"},   {6, "min"}, {7, "s"}};
  for (const auto& [code, symbol] : expected) {
    auto u = unit_info(code);
    ASSERT_TRUE(u) << int(code);
    EXPECT_EQ(u->symbol, symbol) << int(code);
  }
  EXPECT_EQ(unit_info(255)->name, "count (no unit)");
  EXPECT_FALSE(unit_info(0));
  EXPECT_FALSE(unit_info(100));
}

TEST(UnitsTest, unit_symbol_is_the_human_name_of_a_code) {
  EXPECT_EQ(unit_symbol(30), "Wh");
  EXPECT_EQ(unit_symbol(35), "V");
  EXPECT_EQ(unit_symbol(44), "Hz");
  EXPECT_EQ(unit_symbol(0), "");    // not set
  EXPECT_EQ(unit_symbol(255), "");  // count: no unit
  EXPECT_EQ(unit_symbol(100), "");  // undefined
  EXPECT_EQ(unit_symbol(-1), "");
  EXPECT_EQ(unit_symbol(300), "");
}

TEST(UnitsTest, prometheus_base_units) {
  EXPECT_EQ(unit_info(kUnitVolt)->base_unit, "volts");
  EXPECT_EQ(unit_info(kUnitAmpere)->base_unit, "amperes");
  EXPECT_EQ(unit_info(kUnitWatt)->base_unit, "watts");
  EXPECT_EQ(unit_info(kUnitHertz)->base_unit, "hertz");
  EXPECT_EQ(unit_info(kUnitWattHour)->base_unit, "joules");
  EXPECT_DOUBLE_EQ(unit_info(kUnitWattHour)->to_base, 3600.0);
  EXPECT_EQ(unit_info(kUnitPercent)->base_unit, "ratio");
  EXPECT_DOUBLE_EQ(unit_info(kUnitPercent)->to_base, 0.01);
  EXPECT_EQ(unit_info(kUnitCount)->base_unit, "");
}

TEST(RegisterTest, scaler_unit_and_scaling) {
  auto su = decode_scaler_unit(Structure{{std::int8_t{-2}, Enum{35}}});
  ASSERT_TRUE(su);
  EXPECT_EQ(*su, (ScalerUnit{-2, 35}));
  EXPECT_EQ(encode_value(encode_scaler_unit(*su)), (dlms::Bytes{0x02, 0x02, 0x0F, 0xFE, 0x16, 0x23}));
  EXPECT_EQ(scale(13500, -2), 135.0);
  EXPECT_EQ(scale(13694, -2), 136.94);
  EXPECT_EQ(scale(1300, -3), 1.3);
  EXPECT_EQ(scale(5, 3), 5000.0);
  EXPECT_EQ(scale(56281, 0), 56281.0);
  EXPECT_EQ(*scaled_value(Value(std::uint32_t{13694}), -2), 136.94);
  EXPECT_FALSE(scaled_value(Value(OctetString{}), 0));
  EXPECT_EQ(decode_scaler_unit(Value(std::uint8_t{1})).error(), DataError::wrong_type);
  EXPECT_EQ(decode_scaler_unit(Structure{{std::int16_t{300}, Enum{35}}}).error(), DataError::wrong_type);
}

}  // namespace
