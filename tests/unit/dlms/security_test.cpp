// Security suite 0 against the Green Book's published HLS-GMAC and glo-ciphering examples
// (vectors/security.txt), plus the properties a wrong key or a tampered APDU must break.
#include "dlms/cosem/security.h"

#include <gtest/gtest.h>

#include "dlms/cosem/action.h"
#include "dlms/cosem/association.h"
#include "dlms/cosem/ciphered.h"
#include "vectors.h"

namespace {

using namespace dlms::cosem;
using dlms::Bytes;
using dlms::testing::find_vector;
using dlms::testing::hex;

Bytes vec(const char* name) { return find_vector("security.txt", name).bytes; }

const Bytes kClientTitle = hex("4D4D4D0000000001");
const Bytes kServerTitle = hex("4D4D4D0000BC614E");
const security::Keys kKeys{hex("000102030405060708090A0B0C0D0E0F"), hex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")};
const Bytes kCtoS = hex("4B35366956616759");
const Bytes kStoC = hex("503677524A323146");

TEST(SecurityTest, green_book_hls_gmac_pass_3_f_stoc) {
  auto f = security::hls_gmac(kClientTitle, 1, kKeys, kStoC);
  ASSERT_TRUE(f);
  EXPECT_EQ(dlms::to_hex(*f), dlms::to_hex(vec("green_book_f_stoc")));
}

TEST(SecurityTest, green_book_hls_gmac_pass_4_f_ctos_verifies) {
  auto f = security::hls_gmac(kServerTitle, 0x01234567, kKeys, kCtoS);
  ASSERT_TRUE(f);
  EXPECT_EQ(dlms::to_hex(*f), dlms::to_hex(vec("green_book_f_ctos")));
  EXPECT_TRUE(security::verify_hls_gmac(vec("green_book_f_ctos"), kServerTitle, kKeys, kCtoS));
}

TEST(SecurityTest, f_ctos_fails_with_a_wrong_key_title_challenge_or_a_flipped_bit) {
  const Bytes good = vec("green_book_f_ctos");
  security::Keys wrong_ak = kKeys;
  wrong_ak.authentication_key[15] ^= 1;
  security::Keys wrong_ek = kKeys;
  wrong_ek.block_cipher_key[0] ^= 1;
  EXPECT_EQ(security::verify_hls_gmac(good, kServerTitle, wrong_ak, kCtoS).error(), security::CryptoError::tag_mismatch);
  EXPECT_EQ(security::verify_hls_gmac(good, kServerTitle, wrong_ek, kCtoS).error(), security::CryptoError::tag_mismatch);
  EXPECT_EQ(security::verify_hls_gmac(good, kClientTitle, kKeys, kCtoS).error(), security::CryptoError::tag_mismatch);
  EXPECT_EQ(security::verify_hls_gmac(good, kServerTitle, kKeys, kStoC).error(), security::CryptoError::tag_mismatch);
  Bytes flipped = good;
  flipped.back() ^= 0x80;
  EXPECT_EQ(security::verify_hls_gmac(flipped, kServerTitle, kKeys, kCtoS).error(), security::CryptoError::tag_mismatch);
  EXPECT_EQ(security::verify_hls_gmac(Bytes(good.begin(), good.end() - 1), kServerTitle, kKeys, kCtoS).error(),
            security::CryptoError::truncated);
}

TEST(SecurityTest, green_book_glo_initiate_request_is_byte_exact) {
  auto ciphered = cipher_apdu(vec("green_book_initiate_request"), 0x30, kServerTitle, 0x01234567, kKeys);
  ASSERT_TRUE(ciphered);
  EXPECT_EQ(dlms::to_hex(*ciphered), dlms::to_hex(vec("green_book_glo_initiate_request")));
  auto plain = decipher_apdu(vec("green_book_glo_initiate_request"), kServerTitle, kKeys, 0x30);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->apdu, vec("green_book_initiate_request"));
  EXPECT_EQ(plain->invocation_counter, 0x01234567U);
  EXPECT_EQ(plain->security_control, 0x30);
  auto request = decode_initiate_request(plain->apdu);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->dedicated_key, hex("00112233445566778899AABBCCDDEEFF"));
}

TEST(SecurityTest, tampered_ciphertext_counter_or_key_fails_the_tag) {
  const Bytes good = vec("green_book_glo_initiate_request");
  for (std::size_t i : {std::size_t{3}, std::size_t{8}, good.size() - 1}) {
    Bytes bad = good;
    bad[i] ^= 0x01;  // an IC byte, a ciphertext byte, a tag byte
    auto r = decipher_apdu(bad, kServerTitle, kKeys, 0x30);
    ASSERT_FALSE(r) << i;
    EXPECT_EQ(r.error().error, CipherError::crypto) << i;
    EXPECT_EQ(r.error().crypto, security::CryptoError::tag_mismatch) << i;
  }
  security::Keys wrong = kKeys;
  wrong.block_cipher_key[3] ^= 0x10;
  EXPECT_EQ(decipher_apdu(good, kServerTitle, wrong, 0x30).error().crypto, security::CryptoError::tag_mismatch);
}

TEST(SecurityTest, authentication_only_keeps_the_plaintext_and_still_checks_it) {
  const Bytes get = hex("C0 01 C1 00 03 01 01 20 07 00 FF 02 00");
  auto ciphered = cipher_apdu(get, 0x10, kClientTitle, 7, kKeys);
  ASSERT_TRUE(ciphered);
  EXPECT_EQ((*ciphered)[0], tag::kGloGetRequest);
  EXPECT_EQ(Bytes(ciphered->begin() + 7, ciphered->begin() + 7 + static_cast<std::ptrdiff_t>(get.size())), get);
  EXPECT_EQ(ciphered->size(), 7 + get.size() + security::kTagSize);
  EXPECT_EQ(decipher_apdu(*ciphered, kClientTitle, kKeys, 0x10)->apdu, get);
  Bytes bad = *ciphered;
  bad[10] ^= 0x01;  // inside the plaintext
  EXPECT_EQ(decipher_apdu(bad, kClientTitle, kKeys, 0x10).error().crypto, security::CryptoError::tag_mismatch);
  // A policy demanding encryption rejects an authentication-only APDU.
  EXPECT_EQ(decipher_apdu(*ciphered, kClientTitle, kKeys, 0x30).error().error, CipherError::policy);
}

TEST(SecurityTest, encryption_only_round_trips_without_a_tag) {
  const Bytes get = hex("C0 01 C1 00 03 01 01 20 07 00 FF 02 00");
  auto ciphered = cipher_apdu(get, 0x20, kClientTitle, 9, kKeys);
  ASSERT_TRUE(ciphered);
  EXPECT_EQ(ciphered->size(), 7 + get.size());
  EXPECT_NE(Bytes(ciphered->begin() + 7, ciphered->end()), get);
  EXPECT_EQ(decipher_apdu(*ciphered, kClientTitle, kKeys, 0x20)->apdu, get);
}

TEST(SecurityTest, general_glo_ciphering_carries_the_sender_title) {
  const Bytes response = hex("C4 01 C1 00 06 00 00 35 7E");
  auto ciphered = cipher_apdu(response, 0x30, kServerTitle, 0x01234568, kKeys, /*general=*/true);
  ASSERT_TRUE(ciphered);
  EXPECT_EQ(dlms::to_hex(Bytes(ciphered->begin(), ciphered->begin() + 11)), "DB 08 4D 4D 4D 00 00 BC 61 4E 1A");
  auto decoded = decode_ciphered(*ciphered);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->system_title, kServerTitle);
  EXPECT_EQ(decoded->invocation_counter, 0x01234568U);
  EXPECT_EQ(encode_ciphered(*decoded), *ciphered);
  EXPECT_EQ(decipher_apdu(*ciphered, kServerTitle, kKeys, 0x30)->apdu, response);
  EXPECT_EQ(decipher_apdu(*ciphered, kClientTitle, kKeys, 0x30).error().error, CipherError::wrong_sender);
}

TEST(SecurityTest, ciphered_decoder_rejects_malformed_input) {
  EXPECT_EQ(decode_ciphered(hex("C0 01")).error(), ApduError::unexpected_tag);
  EXPECT_EQ(decode_ciphered(hex("C8 04 30 00 00 00")).error(), ApduError::bad_length);
  EXPECT_EQ(decode_ciphered(hex("C8 10 30 00 00 00 01")).error(), ApduError::truncated);
  EXPECT_EQ(decode_ciphered(hex("C8 05 30 00 00 00 01 FF")).error(), ApduError::trailing_bytes);
  EXPECT_EQ(decode_ciphered(hex("DB 07 4D 4D 4D 00 00 BC 61 05 30 00 00 00 01")).error(), ApduError::bad_value);
  // A glo-get-response that deciphers to a GET request is not what its tag says.
  auto wrong_inner = cipher_apdu(hex("C0 01 C1 00 03 01 01 20 07 00 FF 02 00"), 0x30, kClientTitle, 1, kKeys);
  Bytes relabelled = *wrong_inner;
  relabelled[0] = tag::kGloGetResponse;
  EXPECT_EQ(decipher_apdu(relabelled, kClientTitle, kKeys, 0x30).error().error, CipherError::malformed);
}

TEST(SecurityTest, reply_to_hls_authentication_action_round_trips) {
  ActionRequestNormal request{0xC1, MethodDescriptor{15, Obis{{0, 0, 40, 0, 0, 255}}, 1},
                              Value{OctetString{vec("green_book_f_stoc")}}};
  const Bytes bytes = encode_action_request(request);
  EXPECT_EQ(dlms::to_hex(bytes), "C3 01 C1 00 0F 00 00 28 00 00 FF 01 01 09 11 " + dlms::to_hex(vec("green_book_f_stoc")));
  EXPECT_EQ(*decode_action_request(bytes), request);
  ActionResponseNormal response{0xC1, 0, GetDataResult{Value{OctetString{vec("green_book_f_ctos")}}}};
  const Bytes rbytes = encode_action_response(response);
  EXPECT_EQ(dlms::to_hex(rbytes), "C7 01 C1 00 01 00 09 11 " + dlms::to_hex(vec("green_book_f_ctos")));
  EXPECT_EQ(*decode_action_response(rbytes), response);
  EXPECT_EQ(*decode_action_response(dlms::testing::hex("C7 01 C1 0B 00")), (ActionResponseNormal{0xC1, 11, {}}));
  EXPECT_EQ(decode_action_response(dlms::testing::hex("C7 01 C1 00 01 02")).error(), ApduError::bad_value);
}

TEST(SecurityTest, hls_gmac_aarq_and_aare_round_trip) {
  Aarq aarq;
  aarq.context = ApplicationContext::ln_ciphering;
  aarq.mechanism = Mechanism::hls_gmac;
  aarq.calling_ap_title = kClientTitle;
  aarq.password = kCtoS;
  aarq.ciphered_initiate = vec("green_book_glo_initiate_request");
  auto bytes = encode_aarq(aarq);
  ASSERT_TRUE(bytes);
  const std::string text = dlms::to_hex(*bytes);
  EXPECT_NE(text.find("A1 09 06 07 60 85 74 05 08 01 03 A6 0A 04 08 4D 4D 4D 00 00 00 00 01"), std::string::npos) << text;
  EXPECT_NE(text.find("8B 07 60 85 74 05 08 02 05 AC 0A 80 08 4B 35 36 69 56 61 67 59 BE 34 04 32 21 30 30"),
            std::string::npos)
      << text;
  EXPECT_EQ(*decode_aarq(*bytes), aarq);

  Aarq no_title = aarq;
  no_title.calling_ap_title.reset();
  EXPECT_EQ(encode_aarq(no_title).error(), ApduError::bad_value);

  Aare aare;
  aare.context = ApplicationContext::ln_ciphering;
  aare.diagnostic = diagnostic::kAuthenticationRequired;
  aare.mechanism = Mechanism::hls_gmac;
  aare.responding_ap_title = kServerTitle;
  aare.responding_authentication = kStoC;
  aare.ciphered_initiate = *cipher_apdu(hex("08 00 06 5F 1F 04 00 00 10 1D 04 B0 00 07"), 0x30, kServerTitle, 5, kKeys);
  const Bytes aare_bytes = encode_aare(aare);
  EXPECT_NE(dlms::to_hex(aare_bytes).find("A4 0A 04 08 4D 4D 4D 00 00 BC 61 4E"), std::string::npos);
  EXPECT_NE(dlms::to_hex(aare_bytes).find("AA 0A 80 08 50 36 77 52 4A 32 31 46"), std::string::npos);
  EXPECT_EQ(*decode_aare(aare_bytes), aare);
}

}  // namespace
