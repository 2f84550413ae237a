// Whole stack in memory under virtual time: cosem::Client over a client hdlc::Link, talking to a
// server hdlc::Link whose application is a small meter built from the server-side codecs
// (decode_aarq, encode_aare, decode_get_request, split_get_response, encode_rlre).
#include <gtest/gtest.h>

#include <map>

#include "dlms/dlms.h"  // the umbrella header must compile on its own
#include "dlms/cosem/client.h"
#include "dlms/cosem/register.h"
#include "dlms/cosem/units.h"
#include "link_pair.h"
#include "vectors.h"

namespace {

using namespace dlms;
using namespace dlms::cosem;
using dlms::testing::hex;
using dlms::testing::LinkPair;

struct MiniMeter {
  Bytes password{'2', '2', '2', '2', '2', '2', '2', '2'};
  std::uint32_t conformance = conformance::kMicrostarNegotiated;
  std::uint16_t max_pdu = 0x1900;
  std::map<std::pair<Obis, std::int8_t>, Value> attributes;
  std::vector<GetResponse> pending_blocks;  // block transfer in progress
  int requests = 0;

  std::optional<Bytes> answer(const Bytes& apdu) {
    ++requests;
    if (apdu.empty()) return encode_exception_response({2, 2, std::nullopt});
    switch (apdu[0]) {
      case tag::kAarq: {
        auto aarq = decode_aarq(apdu);
        Aare aare;
        if (!aarq || aarq->mechanism != Mechanism::lls || aarq->password != password) {
          aare.result = AssociationResult::rejected_permanent;
          aare.diagnostic = diagnostic::kAuthenticationFailure;
          return encode_aare(aare);
        }
        aare.initiate = InitiateResponse{std::nullopt, 6, conformance & aarq->initiate.conformance, max_pdu, 7};
        return encode_aare(aare);
      }
      case tag::kGetRequest: {
        auto request = decode_get_request(apdu);
        if (!request) return encode_exception_response({1, 3, std::nullopt});
        if (auto* next = std::get_if<GetRequestNext>(&*request)) {
          if (next->block_number > pending_blocks.size() - 1 || pending_blocks.empty()) {
            return encode_get_response(GetResponseNormal{next->invoke, DataAccessResult::no_long_get_in_progress});
          }
          return encode_get_response(pending_blocks[next->block_number]);
        }
        if (auto* normal = std::get_if<GetRequestNormal>(&*request)) {
          auto it = attributes.find({normal->attribute.obis, normal->attribute.attribute});
          if (it == attributes.end()) {
            return encode_get_response(GetResponseNormal{normal->invoke, DataAccessResult::object_undefined});
          }
          pending_blocks = split_get_response(normal->invoke, it->second, max_pdu);
          return encode_get_response(pending_blocks.front());
        }
        return encode_exception_response({1, 2, std::nullopt});  // no GET-with-list
      }
      case tag::kRlrq: return encode_rlre({0, std::nullopt, std::nullopt});
      default: return encode_exception_response({2, 2, std::nullopt});
    }
  }
};

struct Session : ::testing::Test {
  LinkPair pair{LinkPair::client_config(), LinkPair::server_config()};
  Client client{[] {
    ClientConfig c;
    c.mechanism = Mechanism::lls;
    c.password = Bytes{'2', '2', '2', '2', '2', '2', '2', '2'};
    c.response_timeout.reset();  // the link times out
    return c;
  }()};
  MiniMeter meter;
  std::vector<ClientEvent> events;
  std::size_t link_events_seen = 0;

  void SetUp() override {
    pair.now = TimePoint{} + std::chrono::hours(1);
    meter.attributes[{*parse_obis("1-1:32.7.0"), 2}] = std::uint32_t{13694};
    meter.attributes[{*parse_obis("1-1:32.7.0"), 3}] = encode_scaler_unit({-2, kUnitVolt});
    meter.attributes[{*parse_obis("1-1:31.7.0"), 2}] = std::uint32_t{1300};
    meter.attributes[{*parse_obis("1-1:31.7.0"), 3}] = encode_scaler_unit({-3, kUnitAmpere});
    pair.server_app = [this](const Bytes& apdu) { return meter.answer(apdu); };
  }

  // Moves APDUs between the client and its link until nothing moves.
  void run(int timeouts = 0) {
    for (int guard = 0; guard < 1000; ++guard) {
      bool progress = false;
      while (auto apdu = client.poll_transmit()) {
        EXPECT_TRUE(pair.client.link.send(*apdu, pair.now));
        progress = true;
      }
      pair.drive(timeouts);
      for (; link_events_seen < pair.client.events.size(); ++link_events_seen) {
        if (auto* a = std::get_if<hdlc::ApduReceived>(&pair.client.events[link_events_seen])) {
          client.handle_apdu(a->apdu, pair.now);
          progress = true;
        }
      }
      while (auto e = client.poll_event()) events.push_back(*e);
      if (!progress) return;
    }
  }

  void connect_and_associate() {
    ASSERT_TRUE(pair.client.link.connect(pair.now));
    run();
    ASSERT_EQ(pair.client.link.state(), hdlc::LinkState::connected);
    ASSERT_TRUE(client.associate(pair.now));
    run();
    ASSERT_EQ(client.state(), ClientState::associated);
  }

  std::optional<Value> read(const char* obis, std::int8_t attribute, int timeouts = 0) {
    const std::size_t before = events.size();
    EXPECT_TRUE(client.get(AttributeDescriptor{3, *parse_obis(obis), attribute, std::nullopt}, pair.now));
    run(timeouts);
    for (std::size_t i = before; i < events.size(); ++i) {
      if (auto* r = std::get_if<GetResult>(&events[i])) {
        if (auto* v = std::get_if<Value>(&r->result)) return *v;
        return std::nullopt;
      }
    }
    return std::nullopt;
  }
};

TEST_F(Session, associate_read_registers_and_disconnect) {
  connect_and_associate();
  // docs/protocol.md 1.5: AARQ 10, AARE 30, then correct N(R): GETs 32, 54, 76, 98.
  EXPECT_EQ(hdlc::decode_frame(pair.client.sent[1])->control, 0x10);
  EXPECT_EQ(hdlc::decode_frame(pair.server.sent[1])->control, 0x30);
  for (int cycle = 0; cycle < 10; ++cycle) {
    auto su = read("1-1:32.7.0", 3);
    ASSERT_TRUE(su);
    auto scaler_unit = decode_scaler_unit(*su);
    ASSERT_TRUE(scaler_unit);
    auto raw = read("1-1:32.7.0", 2);
    ASSERT_TRUE(raw);
    EXPECT_EQ(*scaled_value(*raw, scaler_unit->scaler), 136.94);
    EXPECT_EQ(unit_info(scaler_unit->unit)->symbol, "V");
  }
  const std::uint8_t expected[] = {0x32, 0x54, 0x76, 0x98};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(hdlc::decode_frame(pair.client.sent[2 + i])->control, expected[i]);
  ASSERT_TRUE(client.release(pair.now));
  run();
  EXPECT_EQ(client.state(), ClientState::released);
  ASSERT_TRUE(pair.client.link.disconnect(pair.now));
  run();
  EXPECT_EQ(pair.client.link.state(), hdlc::LinkState::disconnected);
  EXPECT_EQ(pair.server.link.state(), hdlc::LinkState::disconnected);
  EXPECT_EQ(pair.client.sent.back(), hex("7E A0 07 03 03 53 80 D7 7E"));
}

TEST_F(Session, wrong_password_is_rejected_with_diagnostic_13) {
  meter.password = Bytes{'1', '1', '1', '1', '1', '1', '1', '1'};
  ASSERT_TRUE(pair.client.link.connect(pair.now));
  run();
  ASSERT_TRUE(client.associate(pair.now));
  run();
  ASSERT_EQ(events.size(), 1U);
  const auto& f = std::get<ClientFailed>(events[0]);
  EXPECT_EQ(f.reason, FailReason::association_rejected);
  EXPECT_EQ(f.diagnostic, diagnostic::kAuthenticationFailure);
}

TEST_F(Session, unknown_object_is_an_access_error) {
  connect_and_associate();
  const std::size_t before = events.size();
  ASSERT_TRUE(client.get(AttributeDescriptor{3, *parse_obis("1-1:99.99.9"), 2, std::nullopt}, pair.now));
  run();
  ASSERT_EQ(events.size(), before + 1);
  EXPECT_EQ(std::get<DataAccessResult>(std::get<GetResult>(events.back()).result), DataAccessResult::object_undefined);
  EXPECT_EQ(read("1-1:31.7.0", 2), Value(std::uint32_t{1300}));
}

// A response larger than the negotiated HDLC max info (128) is segmented (S bit + RR), and one
// larger than the server's max PDU is sent with GET block transfer; both are reassembled.
TEST_F(Session, segmented_frames_and_block_transfer) {
  meter.max_pdu = 200;
  Array profile;
  for (std::uint32_t i = 0; i < 300; ++i) profile.items.emplace_back(i * 7);
  meter.attributes[{*parse_obis("1-1:99.1.0"), 2}] = profile;
  connect_and_associate();
  meter.attributes[{*parse_obis("1-1:99.1.0"), 3}] = OctetString{Bytes(150, 0x7E)};
  EXPECT_EQ(read("1-1:99.1.0", 3), Value(OctetString{Bytes(150, 0x7E)}));  // one APDU, two frames
  EXPECT_EQ(read("1-1:99.1.0", 2), Value(profile));
  bool segmented = false;
  for (const auto& b : pair.server.sent) segmented = segmented || hdlc::decode_frame(b)->segmented;
  EXPECT_TRUE(segmented);
  int get_next = 0;
  for (const auto& b : pair.client.sent) {
    auto f = hdlc::decode_frame(b);
    if (f->info.size() > 4 && f->info[3] == 0xC0 && f->info[4] == 0x02) ++get_next;
  }
  EXPECT_GT(get_next, 5);
  EXPECT_EQ(read("1-1:32.7.0", 2), Value(std::uint32_t{13694}));
}

TEST_F(Session, survives_loss_and_garbage) {
  connect_and_associate();
  int n = 0;
  pair.tamper = [&n](bool, const Bytes& b) {
    ++n;
    if (n % 7 == 0) return Bytes{};  // lost frame
    Bytes out = hex("EB A3 7E");
    out.insert(out.end(), b.begin(), b.end());
    return out;
  };
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(read("1-1:32.7.0", 2, 5), Value(std::uint32_t{13694})) << i;
  }
  EXPECT_EQ(client.state(), ClientState::associated);
  EXPECT_EQ(pair.client.link.state(), hdlc::LinkState::connected);
}

TEST_F(Session, meter_inactivity_timeout_surfaces_as_dm) {
  pair.server.link = hdlc::Link([] {
    auto c = LinkPair::server_config();
    c.inactivity_timeout = std::chrono::seconds(180);
    return c;
  }());
  connect_and_associate();
  pair.now += std::chrono::seconds(200);
  pair.server.link.handle_timeout(pair.now);
  ASSERT_TRUE(client.get(AttributeDescriptor{3, *parse_obis("1-1:32.7.0"), 2, std::nullopt}, pair.now));
  run();
  bool dm = false;
  for (const auto& e : pair.client.events) {
    if (auto* f = std::get_if<hdlc::Failed>(&e)) dm = f->kind == dlms::LinkError::dm;
  }
  EXPECT_TRUE(dm);
}

}  // namespace
