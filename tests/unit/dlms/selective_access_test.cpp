#include "dlms/cosem/selective_access.h"

#include <gtest/gtest.h>

#include "dlms/cosem/profile_generic.h"
#include "vectors.h"

namespace {

using namespace dlms::cosem;
using dlms::Bytes;
using dlms::testing::find_vector;
using dlms::testing::hex;

Bytes apdu(const char* name) { return find_vector("apdus.txt", name).bytes; }
Obis obis(const char* text) { return *parse_obis(text); }
const CaptureObject kClock{8, obis("0-0:1.0.0"), 2, 0};
const CaptureObject kEnergy{3, obis("1-0:1.8.0"), 2, 0};

Value date_time_value(const char* iso) {
  return OctetString{encode_date_time(from_utc(*parse_iso8601(iso), 0, 0))};
}

TEST(SelectiveAccessTest, range_on_the_clock_column_matches_the_golden_request) {
  const RangeDescriptor range{kClock, date_time_value("2026-11-29T21:00:00Z"), date_time_value("2026-11-29T22:00:00Z"), {}};
  const GetRequestNormal request{0xC1, {kProfileGenericClass, obis("1-0:99.1.0"), 2, make_range_access(range)}};
  EXPECT_EQ(dlms::to_hex(encode_get_request(request)), dlms::to_hex(apdu("bluebook_get_profile_range")));
  auto back = decode_get_request(apdu("bluebook_get_profile_range"));
  ASSERT_TRUE(back);
  const auto& access = std::get<GetRequestNormal>(*back).attribute.access;
  ASSERT_TRUE(access);
  EXPECT_EQ(access->selector, kRangeSelector);
  EXPECT_EQ(*decode_range_descriptor(access->parameters), range);
}

TEST(SelectiveAccessTest, entry_range_matches_the_golden_request) {
  const EntryDescriptor entries{1, 10, 1, 0};
  const GetRequestNormal request{0xC1, {kProfileGenericClass, obis("1-0:99.1.0"), 2, make_entry_access(entries)}};
  EXPECT_EQ(encode_get_request(request), apdu("bluebook_get_profile_entries"));
  const auto access = std::get<GetRequestNormal>(*decode_get_request(apdu("bluebook_get_profile_entries"))).attribute.access;
  EXPECT_EQ(access->selector, kEntrySelector);
  EXPECT_EQ(*decode_entry_descriptor(access->parameters), entries);
}

TEST(SelectiveAccessTest, selected_columns_and_malformed_descriptors) {
  const RangeDescriptor range{kClock, date_time_value("2026-11-29T21:00:00Z"), date_time_value("2026-11-29T22:00:00Z"),
                              {kClock, kEnergy}};
  EXPECT_EQ(*decode_range_descriptor(make_range_access(range).parameters), range);
  EXPECT_EQ(decode_range_descriptor(Structure{{std::uint8_t{1}}}).error(), DataError::wrong_type);
  EXPECT_FALSE(decode_entry_descriptor(Structure{{std::uint32_t{1}, std::uint32_t{2}, std::uint16_t{1}}}));
  // long-unsigned entry numbers are not double-long-unsigned.
  EXPECT_FALSE(decode_entry_descriptor(Structure{{std::uint16_t{1}, std::uint32_t{2}, std::uint16_t{1}, std::uint16_t{0}}}));
  EXPECT_FALSE(decode_capture_object(Structure{{std::uint16_t{8}, OctetString{hex("00 00 01 00 00")},
                                                std::int8_t{2}, std::uint16_t{0}}}));  // 5-byte name
}

TEST(ProfileGenericTest, decodes_capture_objects_period_buffer_and_entry_times) {
  const Value objects = Array{{encode_capture_object(kClock), encode_capture_object(kEnergy)}};
  auto columns = decode_capture_objects(objects);
  ASSERT_TRUE(columns);
  EXPECT_EQ(*columns, (std::vector<CaptureObject>{kClock, kEnergy}));
  EXPECT_EQ(clock_column(*columns), 0U);
  EXPECT_EQ(*decode_capture_period(Value{std::uint32_t{900}}), 900U);
  EXPECT_EQ(decode_capture_period(Value{std::uint16_t{900}}).error(), ProfileError::bad_capture_period);

  // The second entry's clock is null-data: previous entry + capture period (Blue Book compression).
  const Value buffer = Array{{Structure{{date_time_value("2026-11-29T21:00:00Z"), std::uint32_t{100}}},
                              Structure{{Null{}, std::uint32_t{125}}}}};
  auto entries = decode_buffer(buffer, columns->size());
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 2U);
  auto times = entry_times(*entries, 0, 900);
  ASSERT_TRUE(times);
  EXPECT_EQ(utc_text((*times)[1]), "2026-11-29T21:15:00Z");
  EXPECT_EQ(entry_times(*entries, 0, 0).error(), ProfileError::bad_time);

  EXPECT_EQ(decode_buffer(buffer, 3).error(), ProfileError::bad_entry);
  EXPECT_EQ(decode_buffer(Value{std::uint8_t{1}}, 2).error(), ProfileError::not_an_array);
  EXPECT_EQ(decode_capture_objects(Array{{Value{std::uint8_t{1}}}}).error(), ProfileError::bad_capture_object);
  const std::vector<ProfileEntry> first_null{{Null{}, std::uint32_t{1}}};
  EXPECT_EQ(entry_times(first_null, 0, 900).error(), ProfileError::bad_time);
}

}  // namespace
