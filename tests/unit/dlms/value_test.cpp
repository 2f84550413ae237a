#include "dlms/cosem/value.h"

#include <gtest/gtest.h>

#include "vectors.h"

namespace {

using namespace dlms::cosem;
using dlms::Bytes;
using dlms::testing::hex;

struct Case {
  const char* name;
  const char* hex;
  Value value;
};

std::vector<Case> cases() {
  return {
      {"null", "00", Null{}},
      {"array", "01 02 12 00 01 12 00 02", Array{{std::uint16_t{1}, std::uint16_t{2}}}},
      {"scaler_unit_voltage", "02 02 0F FE 16 23", Structure{{std::int8_t{-2}, Enum{35}}}},
      {"scaler_unit_current", "02 02 0F FD 16 21", Structure{{std::int8_t{-3}, Enum{33}}}},
      {"boolean", "03 01", true},
      {"bit_string", "04 0A C0 40", BitString{10, {0xC0, 0x40}}},
      {"double_long", "05 FF FF FF FE", std::int32_t{-2}},
      {"double_long_unsigned_with_7e", "06 00 00 35 7E", std::uint32_t{0x357E}},
      {"octet_string", "09 03 01 02 03", OctetString{{1, 2, 3}}},
      {"visible_string", "0A 03 61 62 63", VisibleString{"abc"}},
      {"utf8_string", "0C 02 C3 A9", Utf8String{"\xC3\xA9"}},
      {"bcd", "0D 12", Bcd{0x12}},
      {"integer", "0F FE", std::int8_t{-2}},
      {"long", "10 FF 00", std::int16_t{-256}},
      {"unsigned", "11 FF", std::uint8_t{255}},
      {"long_unsigned", "12 01 00", std::uint16_t{256}},
      {"long64", "14 FF FF FF FF FF FF FF FF", std::int64_t{-1}},
      {"long64_unsigned", "15 00 00 00 00 00 00 DB D8", std::uint64_t{56280}},
      {"enum", "16 23", Enum{35}},
      {"float32", "17 3F 80 00 00", 1.0F},
      {"float64", "18 3F F0 00 00 00 00 00 00", 1.0},
      {"date_time", "19 07 D2 0C 04 03 0A 06 0B FF 00 78 00",
       DateTime{Date{2002, 12, 4, 3}, Time{10, 6, 11, 0xFF}, 120, 0}},
      {"date", "1A 07 E8 02 1D FF", Date{2024, 2, 29, 0xFF}},
      {"time", "1B 17 3B 3B 63", Time{23, 59, 59, 99}},
      {"compact_array_of_long_unsigned", "13 12 06 00 01 00 02 00 03",
       CompactArray{TypeDescription{DataType::long_unsigned, 0, {}},
                    {std::uint16_t{1}, std::uint16_t{2}, std::uint16_t{3}}}},
      {"compact_array_of_structures", "13 02 02 12 11 06 00 01 05 00 02 06",
       CompactArray{TypeDescription{DataType::structure, 0,
                                    {TypeDescription{DataType::long_unsigned, 0, {}},
                                     TypeDescription{DataType::unsigned_byte, 0, {}}}},
                    {Structure{{std::uint16_t{1}, std::uint8_t{5}}}, Structure{{std::uint16_t{2}, std::uint8_t{6}}}}}},
      {"nested", "02 03 01 01 02 02 09 00 0A 01 78 00 03 00",
       Structure{{Array{{Structure{{OctetString{}, VisibleString{"x"}}}}}, Null{}, false}}},
  };
}

TEST(ValueTest, every_type_encodes_and_decodes_byte_exactly) {
  for (const auto& c : cases()) {
    const Bytes expected = hex(c.hex);
    EXPECT_EQ(dlms::to_hex(encode_value(c.value)), dlms::to_hex(expected)) << c.name;
    auto decoded = decode_value_exact(expected);
    ASSERT_TRUE(decoded) << c.name << " " << to_label(decoded.error());
    EXPECT_EQ(*decoded, c.value) << c.name;
    EXPECT_EQ(decoded->type(), c.value.type()) << c.name;
  }
}

// Truncation at every offset (picohttpparser style): always an error, never a crash.
TEST(ValueTest, every_truncation_is_an_error) {
  for (const auto& c : cases()) {
    const Bytes full = hex(c.hex);
    for (std::size_t n = 0; n < full.size(); ++n) {
      const Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));  // exact-size heap copy
      auto r = decode_value_exact(cut);
      if (n == 0 || std::string(c.name) != "null") {
        EXPECT_FALSE(r) << c.name << " cut at " << n;
      }
    }
  }
}

TEST(ValueTest, multi_byte_lengths) {
  Bytes payload(200, 0xAB);
  Bytes enc = encode_value(OctetString{payload});
  EXPECT_EQ(Bytes(enc.begin(), enc.begin() + 3), hex("09 81 C8"));
  EXPECT_EQ(decode_value_exact(enc)->get_if<OctetString>()->bytes, payload);
  Bytes big(300, 0x01);
  enc = encode_value(OctetString{big});
  EXPECT_EQ(Bytes(enc.begin(), enc.begin() + 4), hex("09 82 01 2C"));
  EXPECT_EQ(decode_value_exact(enc)->get_if<OctetString>()->bytes.size(), 300U);
  Array many;
  for (int i = 0; i < 130; ++i) many.items.emplace_back(std::uint8_t{1});
  enc = encode_value(many);
  EXPECT_EQ(Bytes(enc.begin(), enc.begin() + 3), hex("01 81 82"));
  EXPECT_EQ(*decode_value_exact(enc), Value(many));
}

TEST(ValueTest, malformed_inputs_are_errors) {
  EXPECT_EQ(decode_value_exact(hex("07 00")).error(), DataError::unknown_tag);
  EXPECT_EQ(decode_value_exact(hex("09 85 00 00 00 00 01")).error(), DataError::bad_length);
  EXPECT_EQ(decode_value_exact(hex("09 80")).error(), DataError::bad_length);
  EXPECT_EQ(decode_value_exact(hex("01 84 FF FF FF FF 11 01")).error(), DataError::bad_length);
  EXPECT_EQ(decode_value_exact(hex("11 01 00")).error(), DataError::trailing_bytes);
  EXPECT_EQ(decode_value_exact(hex("13 00 01 00")).error(), DataError::bad_compact_array);  // null elements
  EXPECT_EQ(decode_value_exact(hex("13 12 03 00 01 00")).error(), DataError::bad_compact_array);
  Bytes deep;
  for (int i = 0; i < 100; ++i) {
    deep.push_back(0x01);
    deep.push_back(0x01);
  }
  deep.push_back(0x00);
  EXPECT_EQ(decode_value_exact(deep).error(), DataError::too_deep);
}

TEST(ValueTest, numeric_views) {
  EXPECT_EQ(to_number(Value(std::uint32_t{13694})), 13694.0);
  EXPECT_EQ(to_number(Value(std::int8_t{-2})), -2.0);
  EXPECT_EQ(to_number(Value(Enum{35})), 35.0);
  EXPECT_EQ(to_number(Value(1.5F)), 1.5);
  EXPECT_FALSE(to_number(Value(OctetString{})));
  EXPECT_EQ(to_integer(Value(std::int64_t{-5})), -5);
  EXPECT_FALSE(to_integer(Value(std::uint64_t{UINT64_MAX})));
  EXPECT_FALSE(to_integer(Value(2.0)));
}

// PDF clock reply: octet-string(12) = 2002-12-04 (Wed) 10:06:11, hundredths FF, deviation 120.
TEST(ValueTest, clock_octet_string_as_date_time) {
  auto v = decode_value_exact(hex("09 0C 07 D2 0C 04 03 0A 06 0B FF 00 78 00"));
  ASSERT_TRUE(v);
  auto dt = decode_date_time(v->get_if<OctetString>()->bytes);
  ASSERT_TRUE(dt);
  EXPECT_EQ(dt->date.year, 2002);
  EXPECT_EQ(dt->date.month, 12);
  EXPECT_EQ(dt->date.day, 4);
  EXPECT_EQ(dt->date.weekday, 3);
  EXPECT_EQ(dt->time.hour, 10);
  EXPECT_EQ(dt->time.minute, 6);
  EXPECT_EQ(dt->time.second, 11);
  EXPECT_EQ(dt->time.hundredths, 0xFF);
  EXPECT_EQ(dt->deviation, 120);
  EXPECT_EQ(dt->status, 0);
  EXPECT_EQ(encode_date_time(*dt), hex("07 D2 0C 04 03 0A 06 0B FF 00 78 00"));
  EXPECT_FALSE(decode_date_time(hex("07 D2")));
}

// Found by fuzz_get_response in CI: nested array descriptions whose innermost array is empty
// take no bytes per element, so a few dozen bytes decoded into 19^n empty arrays until memory
// ran out. Such a description is refused before any element is read. Here each element is a
// structure {2 x 2 empty arrays, three unsigned}, so every element still takes three bytes.
TEST(ValueRegression, compact_array_of_zero_size_elements_is_refused) {
  const auto nested = hex("13 02 04 01 00 02 01 00 02 01 00 00 03 11 11 11 06 01 02 03 04 05 06");
  auto v = decode_value_exact(nested);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error(), DataError::bad_compact_array);
  // A structure with an empty array and a byte is a fine element; only arrays of nothing are not.
  EXPECT_TRUE(decode_value_exact(hex("13 02 02 01 00 00 03 11 02 05 06")));
  EXPECT_TRUE(decode_value_exact(hex("13 01 00 02 11 02 05 06")));
}

}  // namespace
