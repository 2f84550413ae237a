#include "dlms/cosem/date_time.h"

#include <gtest/gtest.h>

#include "vectors.h"

namespace {

using namespace dlms::cosem;
using dlms::testing::hex;

DateTime vendor_clock() { return *decode_date_time(hex("07 D2 0C 04 03 0A 06 0B FF 00 78 00")); }

// The vendor guide's clock: 2002-12-04 10:06:11 local, deviation +120 minutes (local to UTC).
TEST(DateTimeTest, vendor_clock_is_complete_and_converts_with_its_deviation) {
  const DateTime dt = vendor_clock();
  EXPECT_TRUE(is_complete(dt));
  auto utc = to_utc(dt);
  ASSERT_TRUE(utc);
  EXPECT_EQ(utc_text(*utc), "2002-12-04T12:06:11Z");  // UTC = local + deviation
  EXPECT_EQ(to_iso8601(dt), "2002-12-04T10:06:11-02:00");
  EXPECT_EQ(clock_status_text(dt.status), "ok");
}

TEST(DateTimeTest, from_utc_round_trips_and_fills_the_weekday) {
  const auto instant = *parse_iso8601("2026-11-29T21:00:00Z");
  const DateTime cet = from_utc(instant, -60, 0x80);
  EXPECT_EQ(encode_date_time(cet), hex("07 EA 0B 1D 07 16 00 00 00 FF C4 80"));  // Sunday 22:00 local
  EXPECT_EQ(*to_utc(cet), instant);
  EXPECT_EQ(to_iso8601(cet), "2026-11-29T22:00:00.00+01:00");
  EXPECT_EQ(clock_status_text(cet.status), "daylight_saving");
  const DateTime vendor = vendor_clock();
  DateTime back = from_utc(*to_utc(vendor), vendor.deviation, vendor.status);
  back.time.hundredths = 0xFF;
  EXPECT_EQ(back, vendor);
}

TEST(DateTimeTest, not_specified_fields_are_never_a_time) {
  DateTime dt = vendor_clock();
  dt.deviation = kDeviationNotSpecified;
  EXPECT_TRUE(is_complete(dt));
  EXPECT_EQ(to_utc(dt).error(), DateTimeError::no_deviation);
  EXPECT_EQ(to_iso8601(dt), "2002-12-04T10:06:11");
  dt = vendor_clock();
  dt.date.year = 0xFFFF;
  EXPECT_FALSE(is_complete(dt));
  EXPECT_EQ(to_utc(dt).error(), DateTimeError::incomplete);
  EXPECT_EQ(to_iso8601(dt), "****-12-04T10:06:11-02:00");
  dt = vendor_clock();
  dt.time.second = 0xFF;
  EXPECT_EQ(to_utc(dt).error(), DateTimeError::incomplete);
  dt = vendor_clock();
  dt.date.month = 0xFE;  // daylight_savings_end wildcard
  EXPECT_EQ(to_utc(dt).error(), DateTimeError::incomplete);
  dt = vendor_clock();
  dt.date.day = 31;
  dt.date.month = 11;
  EXPECT_EQ(to_utc(dt).error(), DateTimeError::out_of_range);
  EXPECT_EQ(to_utc(DateTime{}).error(), DateTimeError::incomplete);
  EXPECT_EQ(to_iso8601(DateTime{}), "****-**-**T**:**:**");
  EXPECT_EQ(clock_status_text(0xFF), "not_specified");
  EXPECT_EQ(clock_status_text(0x03), "invalid_value,doubtful_value");
}

TEST(DateTimeTest, parses_iso8601_instants_only) {
  EXPECT_EQ(utc_text(*parse_iso8601("2026-11-29T21:00:00Z")), "2026-11-29T21:00:00Z");
  EXPECT_EQ(utc_text(*parse_iso8601("2026-11-29T22:00:00+01:00")), "2026-11-29T21:00:00Z");
  EXPECT_EQ(utc_text(*parse_iso8601("2026-11-29 20:30:00.250-00:30")), "2026-11-29T21:00:00.250Z");
  EXPECT_EQ(parse_iso8601("2026-11-29T21:00:00").error(), DateTimeError::bad_text);  // no zone
  EXPECT_EQ(parse_iso8601("2026-11-29").error(), DateTimeError::bad_text);
  EXPECT_EQ(parse_iso8601("2026-02-30T00:00:00Z").error(), DateTimeError::out_of_range);
  EXPECT_EQ(parse_iso8601("2026-11-29T24:00:00Z").error(), DateTimeError::out_of_range);
  EXPECT_EQ(parse_iso8601("2026-11-29T21:00:00Zjunk").error(), DateTimeError::bad_text);
}

}  // namespace
