#include "dlms/cosem/association.h"

#include <gtest/gtest.h>

#include "vectors.h"

namespace {

using namespace dlms::cosem;
using dlms::Bytes;
using dlms::testing::find_vector;
using dlms::testing::hex;

Bytes apdu(const char* name) { return find_vector("apdus.txt", name).bytes; }

Aarq lls(std::string_view password) {
  Aarq a;
  a.mechanism = Mechanism::lls;
  a.password = Bytes(password.begin(), password.end());
  return a;
}

TEST(AssociationTest, production_lls_aarq_is_byte_exact) {
  auto encoded = encode_aarq(lls("22222222"));
  ASSERT_TRUE(encoded);
  EXPECT_EQ(dlms::to_hex(*encoded), dlms::to_hex(apdu("production_aarq_lls_22222222")));
  auto decoded = decode_aarq(*encoded);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, lls("22222222"));
}

TEST(AssociationTest, pdf_public_aarq_is_byte_exact) {
  Aarq a;
  a.initiate.conformance = conformance::kMicrostarNegotiated;
  a.initiate.client_max_receive_pdu = 0xFFFF;
  EXPECT_EQ(dlms::to_hex(*encode_aarq(a)), dlms::to_hex(apdu("pdf_aarq_no_auth")));
  EXPECT_EQ(*decode_aarq(apdu("pdf_aarq_no_auth")), a);
}

// [BUG] docs/protocol.md 1.7: the AARQ length was hard-coded 0x36 (right only for 8-byte passwords).
TEST(AssociationTest, aarq_length_is_computed_for_every_password_length) {
  for (std::size_t n : {1U, 5U, 8U, 10U, 16U, 64U}) {
    const std::string password(n, 'x');
    auto encoded = encode_aarq(lls(password));
    ASSERT_TRUE(encoded) << n;
    EXPECT_EQ((*encoded)[1], 46 + n) << n;
    EXPECT_EQ(encoded->size(), 48 + n) << n;
    auto decoded = decode_aarq(*encoded);
    ASSERT_TRUE(decoded) << n;
    EXPECT_EQ(decoded->password, Bytes(password.begin(), password.end()));
  }
  EXPECT_EQ(encode_aarq(lls("")).error(), ApduError::bad_value);
  EXPECT_EQ(encode_aarq(lls(std::string(65, 'x'))).error(), ApduError::bad_value);
  Aarq no_password;
  no_password.mechanism = Mechanism::lls;
  EXPECT_EQ(encode_aarq(no_password).error(), ApduError::bad_value);
  Aarq hls;
  hls.mechanism = Mechanism::hls_gmac;  // without a system title and a challenge
  EXPECT_EQ(encode_aarq(hls).error(), ApduError::bad_value);
  Aarq sha256;
  sha256.mechanism = Mechanism::hls_sha256;
  EXPECT_EQ(encode_aarq(sha256).error(), ApduError::unsupported);
}

// Regression (fuzz_aare): calling-authentication-value without a mechanism name.
TEST(AssociationTest, password_without_mechanism_is_rejected) {
  Bytes bad = apdu("production_aarq_lls_22222222");
  bad[17] = 0x38;  // 8B (mechanism-name) becomes an unknown tag
  EXPECT_EQ(decode_aarq(bad).error(), ApduError::bad_value);
}

TEST(AssociationTest, pdf_aare_decodes_and_re_encodes) {
  auto aare = decode_aare(apdu("pdf_aare_accepted"));
  ASSERT_TRUE(aare);
  EXPECT_EQ(aare->result, AssociationResult::accepted);
  EXPECT_EQ(aare->diagnostic, 0);
  ASSERT_TRUE(aare->initiate);
  EXPECT_EQ(aare->initiate->conformance, 0x00301DU);
  EXPECT_EQ(aare->initiate->server_max_receive_pdu, 0x1900);
  EXPECT_EQ(aare->initiate->vaa_name, 0x0007);
  EXPECT_FALSE(aare->initiate->conformance & conformance::kMultipleReferences);
  EXPECT_TRUE(aare->initiate->conformance & conformance::kBlockTransferWithGet);
  EXPECT_EQ(dlms::to_hex(encode_aare(*aare)), dlms::to_hex(apdu("pdf_aare_accepted")));
}

TEST(AssociationTest, rejected_aare_with_authentication_failure) {
  Aare rejected;
  rejected.result = AssociationResult::rejected_permanent;
  rejected.diagnostic = diagnostic::kAuthenticationFailure;
  const Bytes bytes = encode_aare(rejected);
  EXPECT_EQ(dlms::to_hex(bytes), "61 17 A1 09 06 07 60 85 74 05 08 01 01 A2 03 02 01 01 A3 05 A1 03 02 01 0D");
  auto back = decode_aare(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->result, AssociationResult::rejected_permanent);
  EXPECT_EQ(diagnostic_label(back->diagnostic_source, back->diagnostic), "authentication_failure");
  EXPECT_FALSE(back->initiate);
}

TEST(AssociationTest, aare_with_initiate_error_and_mechanism) {
  Aare a;
  a.result = AssociationResult::rejected_permanent;
  a.diagnostic_source = DiagnosticSource::provider;
  a.diagnostic = 1;
  a.mechanism = Mechanism::lls;
  a.initiate_error = ConfirmedServiceError{1, 6, 1};
  auto back = decode_aare(encode_aare(a));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, a);
  EXPECT_EQ(describe(*back->initiate_error), "confirmed-service-error: service 1, initiate 1 (dlms-version-too-low)");
}

TEST(AssociationTest, release_request_and_response) {
  EXPECT_EQ(encode_rlrq({0, std::nullopt, std::nullopt}), hex("62 03 80 01 00"));
  EXPECT_EQ(encode_rlre({0, std::nullopt, std::nullopt}), hex("63 03 80 01 00"));
  EXPECT_EQ(encode_rlrq({}), hex("62 00"));
  EXPECT_EQ(decode_rlrq(hex("62 03 80 01 00"))->reason, 0);
  EXPECT_EQ(decode_rlre(hex("63 03 80 01 01"))->reason, 1);
  EXPECT_FALSE(decode_rlre(hex("63 00"))->reason);
  EXPECT_EQ(decode_rlre(hex("62 00")).error(), ApduError::unexpected_tag);
  EXPECT_EQ(decode_rlre(hex("63 05 80 01")).error(), ApduError::bad_length);
}

TEST(AssociationTest, every_truncation_of_golden_apdus_is_an_error) {
  for (const char* name : {"production_aarq_lls_22222222", "pdf_aarq_no_auth", "pdf_aare_accepted"}) {
    const Bytes full = apdu(name);
    for (std::size_t n = 0; n < full.size(); ++n) {
      const Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      if (full[0] == 0x60) {
        EXPECT_FALSE(decode_aarq(cut)) << name << " " << n;
      } else {
        EXPECT_FALSE(decode_aare(cut)) << name << " " << n;
      }
    }
    Bytes longer = full;
    longer.push_back(0);
    EXPECT_EQ(full[0] == 0x60 ? decode_aarq(longer).error() : decode_aare(longer).error(), ApduError::trailing_bytes);
  }
}

TEST(ApduTest, exception_response_and_confirmed_service_error) {
  auto e = decode_exception_response(hex("D8 01 02"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->state_error, 1);
  EXPECT_EQ(e->service_error, 2);
  EXPECT_EQ(describe(*e), "exception-response: service-not-allowed, service-not-supported");
  EXPECT_EQ(encode_exception_response(*e), hex("D8 01 02"));
  auto counter = decode_exception_response(hex("D8 01 06 00 00 01 00"));
  ASSERT_TRUE(counter);
  EXPECT_EQ(counter->invocation_counter, 256U);
  EXPECT_EQ(decode_exception_response(hex("D8 01")).error(), ApduError::truncated);
  auto c = decode_confirmed_service_error(hex("0E 04 05 03"));
  ASSERT_TRUE(c);
  EXPECT_EQ(describe(*c), "confirmed-service-error: service 4, access 3");
  EXPECT_EQ(decode_confirmed_service_error(hex("0E 04 0B 03")).error(), ApduError::bad_value);
}

}  // namespace

// Found by fuzz_aare: two user-information elements (an InitiateResponse, then a
// confirmed-service-error) decoded into an AARE that encodes back differently.
TEST(AssociationRegression, aare_with_a_repeated_field_is_rejected) {
  const dlms::Bytes aare = {0x61, 0x29, 0xa2, 0x03, 0x02, 0x01, 0x00, 0xbe, 0x10, 0x04, 0x0e, 0x08, 0x00, 0x06, 0x5f,
                            0x1f, 0x04, 0x00, 0x00, 0x30, 0x1d, 0x19, 0x00, 0x01, 0x00, 0xbe, 0x10, 0x04, 0x04, 0x0e,
                            0x08, 0x00, 0x06, 0x1f, 0x04, 0x00, 0x00, 0x30, 0x1d, 0x19, 0x00, 0x00, 0x17};
  EXPECT_FALSE(dlms::cosem::decode_aare(aare));
}

// Found by fuzz_aare in CI: an AARQ with a plain InitiateRequest and then a glo-initiate
// user-information decoded into an AARQ carrying both, which encodes back as only one.
TEST(AssociationRegression, aarq_with_a_repeated_field_is_rejected) {
  const dlms::Bytes aarq = {0x60, 0x36, 0xa1, 0x09, 0x06, 0x07, 0x60, 0x85, 0x74, 0x05, 0x08, 0x01, 0x01, 0x8a,
                            0x02, 0x07, 0x34, 0x34, 0x01, 0x01, 0xbe, 0x10, 0x04, 0x0e, 0x01, 0x00, 0x00, 0x00,
                            0x06, 0x5f, 0x1f, 0x04, 0x00, 0x00, 0x30, 0x1d, 0x01, 0x01, 0xbe, 0x10, 0x04, 0x0a,
                            0x21, 0x08, 0x00, 0xff, 0xff, 0xff, 0x1f, 0x04, 0x00, 0x00, 0x7e, 0x1f, 0x04, 0xb0};
  auto decoded = dlms::cosem::decode_aarq(aarq);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error(), dlms::cosem::ApduError::unexpected_tag);
}
