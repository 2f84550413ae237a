#include "dlms/cosem/set.h"

#include <gtest/gtest.h>

#include "vectors.h"

namespace {

using namespace dlms::cosem;
using dlms::Bytes;
using dlms::testing::find_vector;
using dlms::testing::hex;

Bytes apdu(const char* name) { return find_vector("apdus.txt", name).bytes; }

TEST(SetTest, vendor_clock_example_encodes_and_decodes) {
  const SetRequestNormal request{0x81, {8, *parse_obis("0-0:1.0.0"), 2, std::nullopt},
                                 OctetString{hex("07 D2 0C 04 03 0A 06 0B FF 00 78 00")}};
  EXPECT_EQ(encode_set_request(request), apdu("pdf_set_clock"));
  EXPECT_EQ(*decode_set_request(apdu("pdf_set_clock")), request);
  const SetResponseNormal ok{0x81, DataAccessResult::success};
  EXPECT_EQ(encode_set_response(ok), apdu("pdf_set_clock_success"));
  EXPECT_EQ(*decode_set_response(apdu("pdf_set_clock_success")), ok);
}

TEST(SetTest, malformed_and_unsupported_forms_are_named) {
  EXPECT_EQ(decode_set_response(hex("C5 01 81 03"))->result, DataAccessResult::read_write_denied);
  EXPECT_EQ(decode_set_response(hex("C5 01 81")).error(), ApduError::truncated);
  EXPECT_EQ(decode_set_response(hex("C5 01 81 00 00")).error(), ApduError::trailing_bytes);
  EXPECT_EQ(decode_set_response(hex("C5 02 81 00")).error(), ApduError::unsupported);
  EXPECT_EQ(decode_set_response(hex("C5 09 81 00")).error(), ApduError::bad_value);
  EXPECT_EQ(decode_set_response(hex("C4 01 81 00")).error(), ApduError::unexpected_tag);
  Bytes truncated = apdu("pdf_set_clock");
  truncated.pop_back();
  EXPECT_EQ(decode_set_request(truncated).error(), ApduError::truncated);
  Bytes trailing = apdu("pdf_set_clock");
  trailing.push_back(0);
  EXPECT_EQ(decode_set_request(trailing).error(), ApduError::trailing_bytes);
  EXPECT_EQ(decode_set_request(hex("C1 04 81 01")).error(), ApduError::unsupported);  // with-list
}

}  // namespace
