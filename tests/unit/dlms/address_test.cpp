#include "dlms/hdlc/address.h"

#include <gtest/gtest.h>

#include "vectors.h"

namespace {

using namespace dlms::hdlc;
using dlms::testing::hex;

dlms::Bytes wire(const ServerAddress& a) {
  auto r = encode_server_address(a);
  EXPECT_TRUE(r.has_value());
  if (!r) return {};
  return dlms::Bytes(r->bytes().begin(), r->bytes().end());
}

TEST(AddressTest, client_address_is_sap_shifted_with_extension_bit) {
  EXPECT_EQ(encode_client_address(1)->bytes()[0], 0x03);
  EXPECT_EQ(encode_client_address(0x10)->bytes()[0], 0x21);
  EXPECT_EQ(encode_client_address(0x11)->bytes()[0], 0x23);
  EXPECT_EQ(encode_client_address(0x20)->bytes()[0], 0x41);
  EXPECT_EQ(encode_client_address(0x80).error(), AddressError::out_of_range);
  EXPECT_EQ(*decode_client_address(*encode_client_address(0x20)), 0x20);
}

TEST(AddressTest, one_byte_microstar_logical0_physical1_is_03) {
  EXPECT_EQ(wire({0, 1, 1}), hex("03"));
  // The 62056-46 reading (upper address only) gives the same byte.
  EXPECT_EQ(wire({1, 0, 1}), hex("03"));
  EXPECT_TRUE((ServerAddress{0, 1, 1} == ServerAddress{1, 0, 1}));
  EXPECT_EQ(wire({0, 0x11, 1}), hex("23"));
  EXPECT_EQ(wire({0, 0x4A, 1}), hex("95"));  // PDF clock example destination
}

TEST(AddressTest, one_byte_rejects_two_non_zero_parts_and_large_values) {
  EXPECT_EQ(encode_server_address({1, 1, 1}).error(), AddressError::out_of_range);
  EXPECT_EQ(encode_server_address({0, 128, 1}).error(), AddressError::out_of_range);
}

TEST(AddressTest, two_byte_form) {
  EXPECT_EQ(wire({1, 1, 2}), hex("02 03"));
  EXPECT_EQ(wire({1, 17, 2}), hex("02 23"));
  EXPECT_EQ(encode_server_address({1, 128, 2}).error(), AddressError::out_of_range);
  EXPECT_EQ(encode_server_address({128, 1, 2}).error(), AddressError::out_of_range);
}

// [BUG] docs/protocol.md 1.4: the previous system lost the logical part for physical > 127.
TEST(AddressTest, four_byte_form_keeps_logical_and_physical) {
  EXPECT_EQ(wire({1, 1234, 4}), hex("00 02 12 A5"));
  EXPECT_EQ(wire({1, 3500, 4}), hex("00 02 36 59"));
  EXPECT_EQ(wire({1, 17, 4}), hex("00 02 00 23"));
  EXPECT_EQ(wire({0x3FFF, 0x3FFF, 4}), hex("FE FE FE FF"));
  EXPECT_EQ(encode_server_address({1, 16384, 4}).error(), AddressError::out_of_range);
}

TEST(AddressTest, bad_size_is_rejected) {
  EXPECT_EQ(encode_server_address({1, 1, 3}).error(), AddressError::bad_size);
  EXPECT_EQ(encode_server_address({1, 1, 0}).error(), AddressError::bad_size);
}

TEST(AddressTest, decode_round_trips_every_size) {
  for (const ServerAddress a : {ServerAddress{0, 1, 1}, ServerAddress{1, 17, 2}, ServerAddress{1, 1234, 4},
                                ServerAddress{16383, 0, 4}, ServerAddress{0, 16383, 4}}) {
    auto decoded = decode_server_address(*encode_server_address(a));
    ASSERT_TRUE(decoded) << a.physical;
    EXPECT_EQ(decoded->logical, a.logical);
    EXPECT_EQ(decoded->physical, a.physical);
    EXPECT_EQ(decoded->size, a.size);
  }
  auto pdf = decode_server_address(Address::from_wire(hex("00 02 00 23")));
  ASSERT_TRUE(pdf);
  EXPECT_EQ(pdf->logical, 1);
  EXPECT_EQ(pdf->physical, 17);
}

TEST(AddressTest, decode_rejects_misplaced_extension_bits) {
  EXPECT_FALSE(decode_server_address(Address::from_wire(hex("02 02"))));
  EXPECT_FALSE(decode_server_address(Address::from_wire(hex("03 02"))));
  EXPECT_EQ(decode_server_address(Address::from_wire(hex("00 02 03"))).error(), AddressError::bad_size);
}

TEST(AddressTest, read_address_field_stops_at_extension_bit) {
  auto one = read_address_field(hex("03 03 93"));
  ASSERT_TRUE(one);
  EXPECT_EQ(one->size(), 1);
  auto four = read_address_field(hex("00 02 00 23 21"));
  ASSERT_TRUE(four);
  EXPECT_EQ(four->size(), 4);
  EXPECT_EQ(read_address_field(hex("00 02 03")).error(), AddressError::bad_size);
  EXPECT_EQ(read_address_field(hex("00 02 04 06 03")).error(), AddressError::unterminated);
  EXPECT_EQ(read_address_field(hex("00 02")).error(), AddressError::unterminated);
}

}  // namespace
