// HLS-GMAC between the codec's client and the simulator's server side, in memory: the 4-pass
// association, ciphered GET, the invocation counter object, and every wrong-key case by name.
#include <gtest/gtest.h>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "memory_pipe.h"
#include "session_helpers.h"
#include "sim/fleet.h"

namespace {

using namespace sim_test;

const dlms::Bytes kClientTitle = hex("4D4D4D0000000001");
const dlms::cosem::security::Keys kKeys{hex("000102030405060708090A0B0C0D0E0F"),
                                        hex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")};

cosem::CipheringConfig ciphering(std::uint32_t ic, std::uint8_t policy = 0x30,
                                 const dlms::cosem::security::Keys& keys = kKeys) {
  return cosem::CipheringConfig{kClientTitle, keys, ic, policy, false, hex("4B35366956616759")};
}

struct HlsTest : ::testing::Test {
  HlsTest() {
    sim::Profile p = sim::make_profile(sim::ProfileKind::microstar);
    p.hls_gmac = sim::HlsGmacClient{};  // client SAP 1, Green Book title and keys, policy 0x30
    fleet.emplace(1, p, 1);
  }
  std::unique_ptr<sim::ServerSession> session(sim::Transport transport = sim::Transport::hdlc) {
    auto s = std::make_unique<sim::ServerSession>(*fleet, transport, fleet->find(1), false,
                                                  std::chrono::steady_clock::now());
    EXPECT_TRUE(s->accept());
    return s;
  }
  sim::Meter& meter() { return *fleet->find(1); }
  std::optional<sim::Fleet> fleet;
};

TEST_F(HlsTest, hls_gmac_association_and_ciphered_get) {
  auto s = session();
  MemoryPipe mem{*s};
  DlmsTestClient c(mem.pipe(), {.client_sap = 1, .password = std::nullopt, .ciphering = ciphering(100)});
  ASSERT_TRUE(c.connect());
  auto r = c.associate();
  ASSERT_TRUE(std::holds_alternative<cosem::Associated>(r))
      << std::get<cosem::ClientFailed>(r).message;
  auto v = c.get(3, "1-1:32.7.0", 2);
  ASSERT_TRUE(v && std::holds_alternative<cosem::Value>(*v));
  // What crossed the wire after the AARQ is ciphered: glo-get-request C8 out, glo-get-response CC back.
  const auto& last = mem.outputs.back().bytes;
  EXPECT_NE(dlms::to_hex(last).find("E6 E7 00 CC"), std::string::npos) << dlms::to_hex(last);
  EXPECT_EQ(meter().hls_client_ic, c.invocation_counter() - 1);
  EXPECT_EQ(meter().stats().associations, 1U);
}

TEST_F(HlsTest, public_client_reads_the_invocation_counter_without_security) {
  {
    auto s = session();
    MemoryPipe mem{*s};
    DlmsTestClient c(mem.pipe(), {.client_sap = 1, .password = std::nullopt, .ciphering = ciphering(500)});
    ASSERT_TRUE(c.connect());
    ASSERT_TRUE(std::holds_alternative<cosem::Associated>(c.associate()));
  }
  auto s = session();
  MemoryPipe mem{*s};
  DlmsTestClient pub(mem.pipe(), {.client_sap = 16, .password = std::nullopt});
  ASSERT_TRUE(pub.connect());
  ASSERT_TRUE(std::holds_alternative<cosem::Associated>(pub.associate()));
  auto ic = pub.get(1, "0-0:43.1.0", 2);
  ASSERT_TRUE(ic);
  // 500: glo-initiate-request, 501: f(StoC), 502: the glo-action-request.
  EXPECT_EQ(std::get<cosem::Value>(*ic), cosem::Value{std::uint32_t{502}});
}

TEST_F(HlsTest, wrong_block_cipher_key_is_rejected_with_authentication_failure) {
  auto s = session();
  MemoryPipe mem{*s};
  auto wrong = kKeys;
  wrong.block_cipher_key[0] ^= 0xFF;
  DlmsTestClient c(mem.pipe(), {.client_sap = 1, .password = std::nullopt, .ciphering = ciphering(1, 0x30, wrong)});
  ASSERT_TRUE(c.connect());
  auto r = c.associate();
  auto* failed = std::get_if<cosem::ClientFailed>(&r);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->reason, cosem::FailReason::association_rejected);
  EXPECT_EQ(failed->diagnostic, cosem::diagnostic::kAuthenticationFailure);
  EXPECT_EQ(meter().stats().hls_rejected, 1U);
}

TEST_F(HlsTest, wrong_authentication_key_under_encryption_only_fails_at_pass_3) {
  meter().profile().hls_gmac->security_control = 0x20;  // AK is not in the AARQ's protection
  auto s = session();
  MemoryPipe mem{*s};
  auto wrong = kKeys;
  wrong.authentication_key[15] ^= 0x01;
  DlmsTestClient c(mem.pipe(), {.client_sap = 1, .password = std::nullopt, .ciphering = ciphering(1, 0x20, wrong)});
  ASSERT_TRUE(c.connect());
  auto r = c.associate();
  auto* failed = std::get_if<cosem::ClientFailed>(&r);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->reason, cosem::FailReason::authentication);
  EXPECT_NE(failed->message.find("refused f(StoC)"), std::string::npos) << failed->message;
}

TEST_F(HlsTest, a_reused_invocation_counter_is_refused) {
  {
    auto s = session();
    MemoryPipe mem{*s};
    DlmsTestClient c(mem.pipe(), {.client_sap = 1, .password = std::nullopt, .ciphering = ciphering(10)});
    ASSERT_TRUE(c.connect());
    ASSERT_TRUE(std::holds_alternative<cosem::Associated>(c.associate()));
  }
  auto s = session();
  MemoryPipe mem{*s};
  DlmsTestClient c(mem.pipe(), {.client_sap = 1, .password = std::nullopt, .ciphering = ciphering(10)});
  ASSERT_TRUE(c.connect());
  auto r = c.associate();
  ASSERT_TRUE(std::holds_alternative<cosem::ClientFailed>(r));
  EXPECT_EQ(std::get<cosem::ClientFailed>(r).diagnostic, cosem::diagnostic::kAuthenticationFailure);
}

TEST_F(HlsTest, lls_on_the_hls_client_is_refused) {
  auto s = session();
  MemoryPipe mem{*s};
  DlmsTestClient c(mem.pipe(), {.client_sap = 1, .password = "22222222"});
  ASSERT_TRUE(c.connect());
  auto r = c.associate();
  ASSERT_TRUE(std::holds_alternative<cosem::ClientFailed>(r));
  EXPECT_EQ(std::get<cosem::ClientFailed>(r).diagnostic, cosem::diagnostic::kApplicationContextNotSupported);
}

TEST_F(HlsTest, release_is_ciphered_both_ways) {
  auto s = session();
  MemoryPipe mem{*s};
  DlmsTestClient c(mem.pipe(), {.client_sap = 1, .password = std::nullopt, .ciphering = ciphering(100)});
  ASSERT_TRUE(c.connect());
  ASSERT_TRUE(std::holds_alternative<cosem::Associated>(c.associate()));
  const std::uint32_t release_ic = c.invocation_counter();
  ASSERT_TRUE(c.release()) << (c.client_failure() ? c.client_failure()->message : "");
  // The meter accepted the RLRQ's glo-initiate-request at that counter and answered with an
  // RLRE carrying a glo-initiate-response (63 .. 80 01 00 BE .. 04 .. 28), which the client verified.
  EXPECT_EQ(meter().hls_client_ic, release_ic);
  EXPECT_EQ(meter().stats().hls_ciphered_releases, 1U);
  EXPECT_EQ(meter().stats().releases, 1U);
  const std::string rlre = dlms::to_hex(mem.outputs.back().bytes);
  EXPECT_NE(rlre.find("E6 E7 00 63"), std::string::npos) << rlre;
  EXPECT_NE(rlre.find("80 01 00 BE"), std::string::npos) << rlre;
}

TEST_F(HlsTest, a_plain_or_replayed_release_is_refused_and_the_association_stays) {
  // The wrapper transport: raw APDUs can be slipped in without HDLC sequence numbers.
  auto s = session(sim::Transport::wrapper);
  MemoryPipe mem{*s};
  DlmsTestClient c(mem.pipe(),
                   {.wrapper = true, .client_sap = 1, .password = std::nullopt, .ciphering = ciphering(100)});
  ASSERT_TRUE(std::holds_alternative<cosem::Associated>(c.associate()));
  auto answer_to = [&](const dlms::Bytes& apdu) {
    c.send_raw(*dlms::wrapper::encode({1, 1, apdu}));
    mem.inbox.clear();  // not for the client: the answer is read from mem.outputs
    return dlms::to_hex(mem.outputs.back().bytes);
  };
  // A plain RLRQ: exception-response service-not-allowed (D8 01 01).
  const std::string plain = answer_to(cosem::encode_rlrq({0, std::nullopt, std::nullopt}));
  EXPECT_NE(plain.find("D8 01 01"), std::string::npos) << plain;
  // A glo-initiate-request under a counter already used: invocation-counter-error (D8 01 06).
  auto replayed = cosem::cipher_apdu(cosem::encode_initiate_request({}), 0x30, kClientTitle, 100, kKeys);
  const std::string replay = answer_to(cosem::encode_rlrq({0, std::nullopt, *replayed}));
  EXPECT_NE(replay.find("D8 01 06"), std::string::npos) << replay;
  EXPECT_EQ(meter().stats().hls_rejected, 2U);
  EXPECT_EQ(meter().stats().releases, 0U);
  // The association stayed: the client's own ciphered release is still accepted as such.
  ASSERT_TRUE(c.release()) << (c.client_failure() ? c.client_failure()->message : "");
  EXPECT_EQ(meter().stats().hls_ciphered_releases, 1U);
}

TEST_F(HlsTest, general_glo_requests_are_counted_and_answered_in_kind) {
  auto s = session();
  MemoryPipe mem{*s};
  auto general = ciphering(100);
  general.general_glo = true;
  DlmsTestClient c(mem.pipe(), {.client_sap = 1, .password = std::nullopt, .ciphering = general});
  ASSERT_TRUE(c.connect());
  ASSERT_TRUE(std::holds_alternative<cosem::Associated>(c.associate()));
  auto v = c.get(3, "1-1:32.7.0", 2);
  ASSERT_TRUE(v && std::holds_alternative<cosem::Value>(*v));
  // The ACTION of pass 3 and the GET came as DB; the GET's answer is DB under the meter's title.
  EXPECT_EQ(meter().stats().hls_general_glo_requests, 2U);
  EXPECT_NE(dlms::to_hex(mem.outputs.back().bytes).find("E6 E7 00 DB 08 4D 4D 4D 00 00 BC 61 4E"), std::string::npos)
      << dlms::to_hex(mem.outputs.back().bytes);
}

}  // namespace
