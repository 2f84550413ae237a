// The client's HLS-GMAC association (pass 1..4) and ciphered GET, driven by a meter transcript
// built from the Green Book example (keys, system titles, challenges).
#include <gtest/gtest.h>

#include "dlms/cosem/client.h"
#include "vectors.h"

namespace {

using namespace dlms::cosem;
using dlms::Bytes;
using dlms::testing::find_vector;
using dlms::testing::hex;

const Bytes kClientTitle = hex("4D4D4D0000000001");
const Bytes kServerTitle = hex("4D4D4D0000BC614E");
const security::Keys kKeys{hex("000102030405060708090A0B0C0D0E0F"), hex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")};
const Bytes kCtoS = hex("4B35366956616759");
const Bytes kStoC = hex("503677524A323146");
const TimePoint kNow = TimePoint{} + std::chrono::seconds(5);

Bytes meter_aare(std::uint32_t ic, const security::Keys& keys = kKeys) {
  Aare a;
  a.context = ApplicationContext::ln_ciphering;
  a.diagnostic = diagnostic::kAuthenticationRequired;
  a.mechanism = Mechanism::hls_gmac;
  a.responding_ap_title = kServerTitle;
  a.responding_authentication = kStoC;
  a.ciphered_initiate = *cipher_apdu(hex("08 00 06 5F 1F 04 00 00 10 1D 04 B0 00 07"), 0x30, kServerTitle, ic, keys);
  return encode_aare(a);
}

Bytes meter_action_response(std::uint8_t invoke, std::uint32_t ic, const Bytes& f_ctos) {
  ActionResponseNormal r{invoke, 0, GetDataResult{Value{OctetString{f_ctos}}}};
  return *cipher_apdu(encode_action_response(r), 0x30, kServerTitle, ic, kKeys);
}

class ClientHlsTest : public ::testing::Test {
 protected:
  ClientHlsTest() : client(config()) {}
  static ClientConfig config() {
    ClientConfig cc;
    cc.mechanism = Mechanism::hls_gmac;
    cc.ciphering = CipheringConfig{kClientTitle, kKeys, 1, 0x30, false, kCtoS};
    return cc;
  }
  Bytes sent() {
    auto b = client.poll_transmit();
    EXPECT_TRUE(b);
    return b.value_or(Bytes{});
  }
  ClientFailed failure() {
    while (auto e = client.poll_event()) {
      if (auto* f = std::get_if<ClientFailed>(&*e)) return *f;
    }
    ADD_FAILURE() << "no failure";
    return {};
  }
  // Runs pass 1..4 with the Green Book values; returns the action request the client sent.
  Bytes authenticate() {
    EXPECT_TRUE(client.associate(kNow));
    auto aarq = decode_aarq(sent());
    EXPECT_TRUE(aarq);
    EXPECT_EQ(aarq->calling_ap_title, kClientTitle);
    EXPECT_EQ(aarq->password, kCtoS);
    EXPECT_EQ(aarq->context, ApplicationContext::ln_ciphering);
    client.handle_apdu(meter_aare(0x01234567), kNow);
    EXPECT_EQ(client.state(), ClientState::authenticating);
    return sent();
  }
  // Pass 1..4 through to Associated (the meter's ICs 01234567 and 01234568); our next IC is 4.
  void associate_fully() {
    const auto request = decode_action_request(decipher_apdu(authenticate(), kClientTitle, kKeys, 0x30)->apdu);
    client.handle_apdu(meter_action_response(request->invoke, 0x01234568,
                                             find_vector("security.txt", "green_book_f_ctos").bytes),
                       kNow);
    auto ev = client.poll_event();
    ASSERT_TRUE(ev && std::holds_alternative<Associated>(*ev));
  }
  // The RLRE a meter that demands ciphering answers: its InitiateResponse glo-ciphered.
  static Bytes meter_rlre(std::uint32_t ic, const security::Keys& keys = kKeys) {
    auto glo = cipher_apdu(hex("08 00 06 5F 1F 04 00 00 10 1D 04 B0 00 07"), 0x30, kServerTitle, ic, keys);
    return encode_rlre(ReleaseResponse{0, std::nullopt, *glo});
  }
  Client client;
};

TEST_F(ClientHlsTest, pass_3_sends_the_green_book_f_stoc_ciphered_and_pass_4_associates) {
  const Bytes action = authenticate();
  ASSERT_EQ(action[0], tag::kGloActionRequest);
  auto plain = decipher_apdu(action, kClientTitle, kKeys, 0x30);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->invocation_counter, 3U);  // 1: glo-initiate-request, 2: f(StoC), 3: this APDU
  auto request = decode_action_request(plain->apdu);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->method, (MethodDescriptor{15, Obis{{0, 0, 40, 0, 0, 255}}, 1}));
  // f(StoC) under IC 2: the Green Book's pass 3 with our IC (its tag is the GMAC of SC||AK||StoC).
  EXPECT_EQ(request->parameters, Value{OctetString{*security::hls_gmac(kClientTitle, 2, kKeys, kStoC)}});

  const Bytes f_ctos = find_vector("security.txt", "green_book_f_ctos").bytes;
  client.handle_apdu(meter_action_response(request->invoke, 0x01234568, f_ctos), kNow);
  auto ev = client.poll_event();
  ASSERT_TRUE(ev && std::holds_alternative<Associated>(*ev));
  EXPECT_EQ(client.state(), ClientState::associated);
  EXPECT_EQ(client.server_system_title(), kServerTitle);
  EXPECT_EQ(client.invocation_counter(), 4U);

  // A ciphered GET and its ciphered response.
  ASSERT_TRUE(client.get(AttributeDescriptor{3, Obis{{1, 1, 32, 7, 0, 255}}, 2, std::nullopt}, kNow));
  auto get = decipher_apdu(sent(), kClientTitle, kKeys, 0x30);
  ASSERT_TRUE(get);
  EXPECT_EQ(get->apdu[0], tag::kGetRequest);
  EXPECT_EQ(get->invocation_counter, 4U);
  const std::uint8_t invoke = get->apdu[2];
  Bytes response{0xC4, 0x01, invoke, 0x00, 0x06, 0x00, 0x00, 0x35, 0x7E};
  client.handle_apdu(*cipher_apdu(response, 0x30, kServerTitle, 0x01234569, kKeys), kNow);
  auto result = client.poll_event();
  ASSERT_TRUE(result && std::holds_alternative<GetResult>(*result));
  EXPECT_EQ(std::get<Value>(std::get<GetResult>(*result).result), Value{std::uint32_t{0x357E}});

  // The same response again (a replay): the meter's counter did not increase.
  ASSERT_TRUE(client.get(AttributeDescriptor{3, Obis{{1, 1, 32, 7, 0, 255}}, 2, std::nullopt}, kNow));
  (void)sent();
  client.handle_apdu(*cipher_apdu(response, 0x30, kServerTitle, 0x01234569, kKeys), kNow);
  auto f = failure();
  EXPECT_EQ(f.reason, FailReason::authentication);
  EXPECT_NE(f.message.find("replayed"), std::string::npos) << f.message;
}

TEST_F(ClientHlsTest, a_wrong_f_ctos_is_an_authentication_failure) {
  const Bytes action = authenticate();
  const auto request = decode_action_request(decipher_apdu(action, kClientTitle, kKeys, 0x30)->apdu);
  Bytes f_ctos = find_vector("security.txt", "green_book_f_ctos").bytes;
  f_ctos[10] ^= 0x01;
  client.handle_apdu(meter_action_response(request->invoke, 0x01234568, f_ctos), kNow);
  EXPECT_EQ(failure().reason, FailReason::authentication);
}

TEST_F(ClientHlsTest, an_aare_ciphered_under_other_keys_is_an_authentication_failure) {
  ASSERT_TRUE(client.associate(kNow));
  (void)sent();
  security::Keys other = kKeys;
  other.block_cipher_key[0] ^= 0xFF;
  client.handle_apdu(meter_aare(0x01234567, other), kNow);
  auto f = failure();
  EXPECT_EQ(f.reason, FailReason::authentication);
  EXPECT_NE(f.message.find("tag_mismatch"), std::string::npos) << f.message;
}

TEST_F(ClientHlsTest, refused_f_stoc_and_plain_responses_fail_by_name) {
  const Bytes action = authenticate();
  const auto request = decode_action_request(decipher_apdu(action, kClientTitle, kKeys, 0x30)->apdu);
  ActionResponseNormal refused{request->invoke, 250, std::nullopt};
  client.handle_apdu(*cipher_apdu(encode_action_response(refused), 0x30, kServerTitle, 0x01234568, kKeys), kNow);
  auto f = failure();
  EXPECT_EQ(f.reason, FailReason::authentication);
  EXPECT_NE(f.message.find("refused f(StoC)"), std::string::npos) << f.message;

  Client plain(config());
  ASSERT_TRUE(plain.associate(kNow));
  (void)plain.poll_transmit();
  plain.handle_apdu(meter_aare(0x01234567), kNow);
  (void)plain.poll_transmit();
  plain.handle_apdu(encode_action_response(ActionResponseNormal{request->invoke, 0, std::nullopt}), kNow);
  auto e = plain.poll_event();
  ASSERT_TRUE(e && std::holds_alternative<ClientFailed>(*e));
  EXPECT_EQ(std::get<ClientFailed>(*e).reason, FailReason::authentication);
}

TEST_F(ClientHlsTest, release_carries_a_glo_initiate_request_under_the_next_counter) {
  associate_fully();
  ASSERT_EQ(client.invocation_counter(), 4U);
  ASSERT_TRUE(client.release(kNow));
  auto rlrq = decode_rlrq(sent());
  ASSERT_TRUE(rlrq);
  EXPECT_EQ(rlrq->reason, 0);
  EXPECT_FALSE(rlrq->initiate);
  ASSERT_TRUE(rlrq->ciphered_initiate);
  ASSERT_EQ((*rlrq->ciphered_initiate)[0], tag::kGloInitiateRequest);
  auto plain = decipher_apdu(*rlrq->ciphered_initiate, kClientTitle, kKeys, 0x30);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->invocation_counter, 4U);  // the next counter, used once
  InitiateRequest proposed;                  // the AARQ's proposal again
  EXPECT_EQ(decode_initiate_request(plain->apdu), proposed);
  EXPECT_EQ(client.invocation_counter(), 5U);

  client.handle_apdu(meter_rlre(0x01234569), kNow);
  auto ev = client.poll_event();
  ASSERT_TRUE(ev && std::holds_alternative<Released>(*ev));
  EXPECT_EQ(client.state(), ClientState::released);
}

TEST_F(ClientHlsTest, a_bare_rlre_releases_but_a_forged_or_plain_one_fails_by_name) {
  associate_fully();
  ASSERT_TRUE(client.release(kNow));
  (void)sent();
  client.handle_apdu(hex("63 03 80 01 00"), kNow);  // no user-information: nothing to verify
  auto ev = client.poll_event();
  ASSERT_TRUE(ev && std::holds_alternative<Released>(*ev));

  struct Case {
    const char* name;
    Bytes rlre;
    FailReason reason;
    const char* message;
  };
  security::Keys other = kKeys;
  other.authentication_key[0] ^= 0xFF;
  const Case cases[] = {
      {"other keys", meter_rlre(0x01234569, other), FailReason::authentication, "tag_mismatch"},
      {"replayed counter", meter_rlre(0x01234568), FailReason::authentication, "replayed"},
      {"plain InitiateResponse", encode_rlre(ReleaseResponse{0, InitiateResponse{}, std::nullopt}),
       FailReason::authentication, "unciphered InitiateResponse"},
      {"ciphered garbage", encode_rlre(ReleaseResponse{0, std::nullopt,
                                                       *cipher_apdu(hex("08 00"), 0x30, kServerTitle, 0x01234569, kKeys)}),
       FailReason::protocol, "malformed ciphered InitiateResponse"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    client = Client(config());
    associate_fully();
    ASSERT_TRUE(client.release(kNow));
    (void)sent();
    client.handle_apdu(c.rlre, kNow);
    auto f = failure();
    EXPECT_EQ(f.reason, c.reason);
    EXPECT_NE(f.message.find(c.message), std::string::npos) << f.message;
  }
}

TEST_F(ClientHlsTest, general_glo_sends_every_request_as_general_glo_ciphering) {
  ClientConfig cc = config();
  cc.ciphering->general_glo = true;
  client = Client(cc);
  associate_fully();
  ASSERT_TRUE(client.get(AttributeDescriptor{3, Obis{{1, 1, 32, 7, 0, 255}}, 2, std::nullopt}, kNow));
  const Bytes get = sent();
  ASSERT_EQ(get[0], tag::kGeneralGloCiphering);
  auto apdu = decode_ciphered(get);
  ASSERT_TRUE(apdu);
  EXPECT_EQ(apdu->system_title, kClientTitle);
}

}  // namespace
