// RLRQ/RLRE with and without user-information (docs/protocol.md 1.12, 1.22): byte-exact
// encodings, the Green Book's glo-initiate-request inside an RLRQ, and every malformed form refused.
#include <gtest/gtest.h>

#include "dlms/cosem/association.h"
#include "dlms/cosem/ciphered.h"
#include "vectors.h"

namespace {

using namespace dlms::cosem;
using dlms::Bytes;
using dlms::testing::find_vector;
using dlms::testing::hex;

Bytes glo_initiate_request() { return find_vector("security.txt", "green_book_glo_initiate_request").bytes; }

TEST(ReleaseTest, rlrq_carries_the_green_book_glo_initiate_request_byte_exact) {
  const Bytes glo = glo_initiate_request();
  ASSERT_EQ(glo.size(), 50U);
  ReleaseRequest r{0, std::nullopt, glo};
  // 62 <57> | reason 80 01 00 | user-information BE <52> 04 <50> <glo-initiate-request>
  const Bytes expected = [&] {
    Bytes b = hex("62 39 80 01 00 BE 34 04 32");
    b.insert(b.end(), glo.begin(), glo.end());
    return b;
  }();
  EXPECT_EQ(dlms::to_hex(encode_rlrq(r)), dlms::to_hex(expected));
  auto decoded = decode_rlrq(expected);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, r);
  // What the meter deciphers (server title, IC 01234567) is the Green Book's InitiateRequest.
  auto plain = decipher_apdu(*decoded->ciphered_initiate, hex("4D4D4D0000BC614E"),
                             {hex("000102030405060708090A0B0C0D0E0F"), hex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")}, 0x30);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->apdu, find_vector("security.txt", "green_book_initiate_request").bytes);
}

TEST(ReleaseTest, plain_initiate_in_rlrq_and_rlre_is_byte_exact) {
  ReleaseRequest rq{0, InitiateRequest{}, std::nullopt};
  const Bytes rq_bytes = hex("62 15 80 01 00 BE 10 04 0E 01 00 00 00 06 5F 1F 04 00 00 7E 1F 04 B0");
  EXPECT_EQ(dlms::to_hex(encode_rlrq(rq)), dlms::to_hex(rq_bytes));
  EXPECT_EQ(*decode_rlrq(rq_bytes), rq);

  ReleaseResponse re{0, InitiateResponse{}, std::nullopt};
  const Bytes re_bytes = hex("63 15 80 01 00 BE 10 04 0E 08 00 06 5F 1F 04 00 00 30 1D 19 00 00 07");
  EXPECT_EQ(dlms::to_hex(encode_rlre(re)), dlms::to_hex(re_bytes));
  EXPECT_EQ(*decode_rlre(re_bytes), re);
}

TEST(ReleaseTest, rlre_carries_a_glo_initiate_response) {
  auto glo = cipher_apdu(hex("08 00 06 5F 1F 04 00 00 10 1D 04 B0 00 07"), 0x30, hex("4D4D4D0000BC614E"), 0x01234568,
                         {hex("000102030405060708090A0B0C0D0E0F"), hex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")});
  ASSERT_TRUE(glo);
  ASSERT_EQ((*glo)[0], tag::kGloInitiateResponse);
  ReleaseResponse re{0, std::nullopt, *glo};
  const Bytes bytes = encode_rlre(re);
  // glo-initiate-response: 28 <1F> SC IC(4) <14 bytes ciphertext> <12 bytes tag> = 33 bytes
  Bytes expected = hex("63 28 80 01 00 BE 23 04 21");
  expected.insert(expected.end(), glo->begin(), glo->end());
  EXPECT_EQ(dlms::to_hex(bytes), dlms::to_hex(expected));
  EXPECT_EQ(*decode_rlre(bytes), re);
}

TEST(ReleaseTest, malformed_releases_are_refused_by_name) {
  // Repeated fields: two reasons, two user-information elements.
  EXPECT_EQ(decode_rlrq(hex("62 06 80 01 00 80 01 00")).error(), ApduError::unexpected_tag);
  const Bytes init = hex("BE 10 04 0E 01 00 00 00 06 5F 1F 04 00 00 7E 1F 04 B0");
  Bytes twice = hex("62 24");
  twice.insert(twice.end(), init.begin(), init.end());
  twice.insert(twice.end(), init.begin(), init.end());
  EXPECT_EQ(decode_rlrq(twice).error(), ApduError::unexpected_tag);
  // user-information that is empty, not an octet string, or not an initiate APDU.
  EXPECT_EQ(decode_rlrq(hex("62 04 BE 02 04 00")).error(), ApduError::truncated);
  EXPECT_EQ(decode_rlrq(hex("62 05 BE 03 09 01 00")).error(), ApduError::unexpected_tag);
  EXPECT_EQ(decode_rlrq(hex("62 05 BE 03 04 01 08")).error(), ApduError::unexpected_tag);
  // A request's InitiateResponse, a response's InitiateRequest, and the other glo- tag.
  EXPECT_FALSE(decode_rlre(hex("63 05 BE 03 04 01 01")));
  EXPECT_EQ(decode_rlre(hex("63 0B BE 09 04 07 21 05 30 00 00 00 01")).error(), ApduError::unexpected_tag);
  // A glo-initiate that is not a well-formed ciphered APDU (length beyond its end).
  EXPECT_EQ(decode_rlrq(hex("62 0B BE 09 04 07 21 09 30 00 00 00 01")).error(), ApduError::truncated);
  // The reason is one byte.
  EXPECT_EQ(decode_rlre(hex("63 04 80 02 00 00")).error(), ApduError::bad_value);
}

}  // namespace
