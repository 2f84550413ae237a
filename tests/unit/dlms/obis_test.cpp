#include "dlms/cosem/obis.h"

#include <gtest/gtest.h>

namespace {

using namespace dlms::cosem;

TEST(ObisTest, parses_every_accepted_form) {
  const Obis voltage{{1, 1, 32, 7, 0, 255}};
  EXPECT_EQ(*parse_obis("1-1:32.7.0"), voltage);
  EXPECT_EQ(*parse_obis("1-1:32.7.0*255"), voltage);
  EXPECT_EQ(*parse_obis("1-1:32.7.0.255"), voltage);
  EXPECT_EQ(*parse_obis("1.1.32.7.0.255"), voltage);
  EXPECT_EQ(*parse_obis("0-0:96.51.4*2"), (Obis{{0, 0, 96, 51, 4, 2}}));
  EXPECT_EQ(*parse_obis("0-0:1.0.0"), (Obis{{0, 0, 1, 0, 0, 255}}));
}

TEST(ObisTest, rejects_bad_text) {
  for (const char* bad : {"", "1-1:32.7", "1-1:32.7.0*", "1:1-32.7.0", "1-1:32.7.0.255.1", " 1-1:32.7.0",
                          "1-1:32.7.x", "1.1.32.7.0", "1-1:32..0", "1--1:32.7.0"}) {
    EXPECT_EQ(parse_obis(bad).error(), ObisError::syntax) << bad;
  }
  EXPECT_EQ(parse_obis("1-1:256.7.0").error(), ObisError::out_of_range);
  EXPECT_EQ(parse_obis("1-1:1000.7.0").error(), ObisError::out_of_range);
}

TEST(ObisTest, formats_and_round_trips) {
  EXPECT_EQ(to_string(*parse_obis("1-1:32.7.0")), "1-1:32.7.0");
  EXPECT_EQ(to_string(*parse_obis("0-0:96.51.4*2")), "0-0:96.51.4*2");
  EXPECT_EQ(to_dotted(*parse_obis("1-0:32.7.0")), "1.0.32.7.0.255");
  const std::uint8_t bytes[] = {1, 1, 0x1F, 7, 0, 0xFF};
  EXPECT_EQ(to_string(*obis_from_bytes(bytes)), "1-1:31.7.0");
  EXPECT_EQ(obis_from_bytes(dlms::ByteSpan(bytes, 5)).error(), ObisError::wrong_size);
}

}  // namespace
