#include "dlms/cosem/get.h"

#include <gtest/gtest.h>

#include "vectors.h"

namespace {

using namespace dlms::cosem;
using dlms::Bytes;
using dlms::testing::find_vector;
using dlms::testing::hex;

Bytes apdu(const char* name) { return find_vector("apdus.txt", name).bytes; }
Obis obis(const char* text) { return *parse_obis(text); }

TEST(GetTest, golden_requests_encode_and_decode) {
  const GetRequestNormal production{0x01, {3, obis("1-1:32.7.0"), 3, std::nullopt}};
  EXPECT_EQ(dlms::to_hex(encode_get_request(production)), dlms::to_hex(apdu("production_get_voltage_scaler_unit")));
  const GetRequestNormal vendor{make_invoke(1), {3, obis("1-1:31.7.0"), 2, std::nullopt}};
  EXPECT_EQ(vendor.invoke, 0xC1);
  EXPECT_EQ(encode_get_request(vendor), apdu("vendor_get_current_value"));
  const GetRequestNormal clock{0x81, {8, obis("0-0:1.0.0"), 2, std::nullopt}};
  EXPECT_EQ(encode_get_request(clock), apdu("pdf_get_clock"));
  for (const GetRequest& r : {GetRequest{production}, GetRequest{vendor}, GetRequest{clock}}) {
    auto back = decode_get_request(encode_get_request(r));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, r);
  }
}

TEST(GetTest, next_and_with_list_requests) {
  EXPECT_EQ(encode_get_request(GetRequestNext{0xC1, 1}), hex("C0 02 C1 00 00 00 01"));
  GetRequestWithList list{0xC2,
                          {{3, obis("1-1:32.7.0"), 2, std::nullopt},
                           {3, obis("1-1:31.7.0"), 2, SelectiveAccess{1, Structure{{std::uint8_t{1}}}}}}};
  const Bytes bytes = encode_get_request(list);
  EXPECT_EQ(dlms::to_hex(bytes),
            "C0 03 C2 02 00 03 01 01 20 07 00 FF 02 00 00 03 01 01 1F 07 00 FF 02 01 01 02 01 11 01");
  EXPECT_EQ(std::get<GetRequestWithList>(*decode_get_request(bytes)), list);
}

TEST(GetTest, golden_responses_decode) {
  auto su = decode_get_response(apdu("production_reply_scaler_unit"));
  ASSERT_TRUE(su);
  const auto& normal = std::get<GetResponseNormal>(*su);
  EXPECT_EQ(normal.invoke, 0x01);
  EXPECT_EQ(std::get<Value>(normal.result), Value(Structure{{std::int8_t{-2}, Enum{35}}}));
  EXPECT_EQ(encode_get_response(*su), apdu("production_reply_scaler_unit"));

  auto clock = decode_get_response(apdu("pdf_reply_clock"));
  ASSERT_TRUE(clock);
  const auto* os = std::get<Value>(std::get<GetResponseNormal>(*clock).result).get_if<OctetString>();
  ASSERT_TRUE(os);
  EXPECT_EQ(os->bytes.size(), 12U);
}

// [BUG] docs/protocol.md 1.8: the previous system reported "error code 0x01" and dropped the real result.
TEST(GetTest, data_access_results_are_named) {
  auto r = decode_get_response(hex("C4 01 C1 01 04"));
  ASSERT_TRUE(r);
  const auto dar = std::get<DataAccessResult>(std::get<GetResponseNormal>(*r).result);
  EXPECT_EQ(dar, DataAccessResult::object_undefined);
  EXPECT_EQ(to_label(dar), "object_undefined");
  EXPECT_EQ(to_label(DataAccessResult::read_write_denied), "read_write_denied");
  EXPECT_EQ(to_label(static_cast<DataAccessResult>(99)), "unknown");
  EXPECT_EQ(encode_get_response(GetResponseNormal{0xC1, DataAccessResult::read_write_denied}), hex("C4 01 C1 01 03"));
}

TEST(GetTest, datablock_and_list_responses_round_trip) {
  const GetResponse block = GetResponseWithDatablock{0xC3, false, 1, hex("01 02 12 00 01")};
  EXPECT_EQ(encode_get_response(block), hex("C4 02 C3 00 00 00 00 01 00 05 01 02 12 00 01"));
  EXPECT_EQ(*decode_get_response(encode_get_response(block)), block);
  const GetResponse block_error = GetResponseWithDatablock{0xC3, true, 2, DataAccessResult::long_get_aborted};
  EXPECT_EQ(*decode_get_response(encode_get_response(block_error)), block_error);
  const GetResponse list = GetResponseWithList{
      0xC4, {GetDataResult{Value(std::uint32_t{13694})}, GetDataResult{DataAccessResult::object_undefined}}};
  EXPECT_EQ(encode_get_response(list), hex("C4 03 C4 02 00 06 00 00 35 7E 01 04"));
  EXPECT_EQ(*decode_get_response(encode_get_response(list)), list);
}

TEST(GetTest, malformed_responses_are_errors) {
  const Bytes golden[] = {apdu("production_reply_scaler_unit"), apdu("pdf_reply_clock"),
                          hex("C4 02 C3 00 00 00 00 01 00 05 01 02 12 00 01"),
                          hex("C4 03 C4 02 00 06 00 00 35 7E 01 04")};
  for (const auto& full : golden) {
    for (std::size_t n = 0; n < full.size(); ++n) {
      const Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      EXPECT_FALSE(decode_get_response(cut)) << dlms::to_hex(full) << " cut " << n;
    }
    Bytes longer = full;
    longer.push_back(0x00);
    EXPECT_EQ(decode_get_response(longer).error(), ApduError::trailing_bytes);
  }
  EXPECT_EQ(decode_get_response(hex("C5 01 C1 00")).error(), ApduError::unexpected_tag);
  EXPECT_EQ(decode_get_response(hex("C4 07 C1 00")).error(), ApduError::bad_value);
  EXPECT_EQ(decode_get_response(hex("C4 01 C1 02 00")).error(), ApduError::bad_value);
  EXPECT_EQ(decode_get_response(hex("C4 01 C1 00 07")).error(), ApduError::bad_data);
  EXPECT_EQ(decode_get_response(hex("C4 03 C1 82 FF FF 00")).error(), ApduError::bad_length);
}

TEST(GetTest, invoke_id_and_priority) {
  EXPECT_EQ(make_invoke(0), 0xC0);
  EXPECT_EQ(make_invoke(15), 0xCF);
  EXPECT_EQ(make_invoke(16), 0xC0);
  EXPECT_EQ(make_invoke(0x7E), 0xCE);  // never a raw 0x7E
  EXPECT_EQ(invoke_id(0xC1), 1);
  EXPECT_EQ(invoke_id(0x81), 1);
}

TEST(GetTest, split_response_into_blocks_and_reassemble) {
  Array big;
  for (std::uint32_t i = 0; i < 100; ++i) big.items.emplace_back(i);
  const Value value = big;
  auto parts = split_get_response(0xC5, value, 64);
  ASSERT_GT(parts.size(), 1U);
  Bytes joined;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Bytes encoded = encode_get_response(parts[i]);
    EXPECT_LE(encoded.size(), 64U);
    const GetResponse decoded = *decode_get_response(encoded);
    const auto& b = std::get<GetResponseWithDatablock>(decoded);
    EXPECT_EQ(b.block_number, i + 1);
    EXPECT_EQ(b.last_block, i + 1 == parts.size());
    const auto& raw = std::get<Bytes>(b.result);
    joined.insert(joined.end(), raw.begin(), raw.end());
  }
  EXPECT_EQ(*decode_value_exact(joined), value);
  auto small = split_get_response(0xC5, Value(std::uint16_t{1}), 64);
  ASSERT_EQ(small.size(), 1U);
  EXPECT_TRUE(std::holds_alternative<GetResponseNormal>(small[0]));
}

}  // namespace
