#include "dlms/hdlc/link.h"

#include <gtest/gtest.h>

#include "dlms/hdlc/frame_decoder.h"
#include "link_pair.h"
#include "vectors.h"

namespace {

using namespace dlms::hdlc;
using dlms::LinkError;
using dlms::Bytes;
using dlms::testing::hex;
using dlms::testing::LinkPair;

TimePoint t0() { return TimePoint{} + std::chrono::seconds(1000); }

template <class T>
std::vector<T> events_of(const std::vector<LinkEvent>& events) {
  std::vector<T> out;
  for (const auto& e : events) {
    if (auto* x = std::get_if<T>(&e)) out.push_back(*x);
  }
  return out;
}

Frame frame_from(const Bytes& bytes) {
  auto f = decode_frame(bytes);
  EXPECT_TRUE(f) << dlms::to_hex(bytes);
  return f ? *f : Frame{};
}

Bytes apdu_of_frame(const Bytes& frame) {
  auto f = frame_from(frame);
  return Bytes(f.info.begin() + 3, f.info.end());
}

// Builds the meter's side of the production session (1-byte addresses, server 03 / client 03).
Bytes meter_frame(std::uint8_t control, Bytes info, bool segmented = false) {
  return *encode(Frame{*encode_client_address(1), *encode_server_address({0, 1, 1}), control, segmented,
                       std::move(info)});
}

Bytes with_llc(const Bytes& apdu, bool response = true) {
  Bytes b = response ? Bytes{0xE6, 0xE7, 0x00} : Bytes{0xE6, 0xE6, 0x00};
  b.insert(b.end(), apdu.begin(), apdu.end());
  return b;
}

struct ClientFixture : ::testing::Test {
  Link link{LinkPair::client_config()};
  TimePoint now = t0();

  Bytes take() {
    auto b = link.poll_transmit();
    EXPECT_TRUE(b.has_value());
    return b ? *b : Bytes{};
  }
  void feed(const Bytes& frame) { link.handle_frame(frame_from(frame), now); }
  std::vector<LinkEvent> events() {
    std::vector<LinkEvent> out;
    while (auto e = link.poll_event()) out.push_back(*e);
    return out;
  }
  void connect_with_capture_ua() {
    ASSERT_TRUE(link.connect(now));
    EXPECT_EQ(take(), hex("7E A0 07 03 03 93 8C 11 7E"));
    feed(meter_frame(0x73, hex("81 80 12 05 01 80 06 01 80 07 04 00 00 00 01 08 04 00 00 00 01")));
    auto ev = events_of<Connected>(events());
    ASSERT_EQ(ev.size(), 1U);
    EXPECT_EQ(ev[0].parameters, (LinkParameters{128, 128, 1, 1}));
  }
};

TEST_F(ClientFixture, production_session_bytes_and_correct_control_sequence) {
  connect_with_capture_ua();
  const auto aarq = dlms::testing::find_vector("hdlc_frames.txt", "production_aarq_lls_22222222").bytes;
  ASSERT_TRUE(link.send(apdu_of_frame(aarq), now));
  EXPECT_EQ(take(), aarq);  // control 0x10
  feed(meter_frame(0x30, with_llc(hex("61 03 A2 01 00"))));
  auto received = events_of<ApduReceived>(events());
  ASSERT_EQ(received.size(), 1U);
  EXPECT_EQ(received[0].apdu, hex("61 03 A2 01 00"));

  // docs/protocol.md 1.5: a correct client sends 32, 54, 76, 98 after AARE 30 (the previous system: 12, 34, ...).
  const std::uint8_t requests[] = {0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE, 0x10};
  const std::uint8_t replies[] = {0x52, 0x74, 0x96, 0xB8, 0xDA, 0xFC, 0x1E, 0x30};
  const Bytes get = hex("C0 01 C1 00 03 01 01 20 07 00 FF 03 00");
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(link.send(get, now));
    const Bytes out = take();
    EXPECT_EQ(frame_from(out).control, requests[i]) << i;
    feed(meter_frame(replies[i], with_llc(hex("C4 01 C1 00 12 00 01"))));
    EXPECT_EQ(events_of<ApduReceived>(events()).size(), 1U) << i;
    EXPECT_EQ(link.state(), LinkState::connected);
  }
  // The first GET equals the production frame except for the control/HCS (0x12 was the [BUG]).
  ASSERT_TRUE(link.disconnect(now));
  EXPECT_EQ(take(), hex("7E A0 07 03 03 53 80 D7 7E"));
  feed(meter_frame(0x73, {}));
  auto disc = events_of<Disconnected>(events());
  ASSERT_EQ(disc.size(), 1U);
  EXPECT_TRUE(disc[0].acknowledged);
}

TEST_F(ClientFixture, the_previous_systems_first_get_control_is_not_reproduced) {
  connect_with_capture_ua();
  ASSERT_TRUE(link.send(hex("60 00"), now));
  take();
  feed(meter_frame(0x30, with_llc(hex("61 00"))));
  events();
  const auto old = dlms::testing::find_vector("hdlc_frames.txt", "production_get_voltage_attr3").bytes;
  ASSERT_TRUE(link.send(apdu_of_frame(old), now));
  const Bytes ours = take();
  EXPECT_EQ(frame_from(old).control, 0x12);
  EXPECT_EQ(frame_from(ours).control, 0x32);
  EXPECT_EQ(frame_from(ours).info, frame_from(old).info);
  // The FCS depends only on the info field (docs/protocol.md 1.3).
  EXPECT_EQ(Bytes(ours.end() - 3, ours.end()), hex("96 5A 7E"));
}

TEST(LinkTest, snrm_with_parameters_has_computed_group_length) {
  auto config = LinkPair::client_config();
  config.proposed = LinkParameters{0x01D2, 0x01D2, 1, 1};
  Link link(config);
  ASSERT_TRUE(link.connect(t0()));
  auto f = frame_from(*link.poll_transmit());
  EXPECT_EQ(f.type(), FrameType::snrm);
  // [BUG] docs/protocol.md 1.6: the previous system wrote 0x12 here.
  EXPECT_EQ(f.info, hex("81 80 14 05 02 01 D2 06 02 01 D2 07 04 00 00 00 01 08 04 00 00 00 01"));
}

TEST(LinkTest, parameters_round_trip_and_pdf_ua) {
  auto pdf = frame_from(dlms::testing::find_vector("hdlc_frames.txt", "pdf_ua").bytes);
  auto p = decode_parameters(pdf.info);
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, (LinkParameters{128, 128, 1, 1}));
  EXPECT_EQ(encode_parameters(*p, ParameterWidth::two_bytes), pdf.info);
  auto disc_ua = frame_from(dlms::testing::find_vector("hdlc_frames.txt", "pdf_ua_to_disc").bytes);
  auto q = decode_parameters(disc_ua.info);
  ASSERT_TRUE(q);
  EXPECT_EQ(*q, (LinkParameters{200, 140, 1, 1}));
  EXPECT_EQ(encode_parameters(*q, ParameterWidth::minimal), disc_ua.info);
  EXPECT_EQ(decode_parameters(hex("81 80 05 05 02 00")).error(), ParameterError::truncated);
  EXPECT_EQ(decode_parameters(hex("81 81 00")).error(), ParameterError::bad_header);
  EXPECT_EQ(decode_parameters(hex("81 80 03 05 01 00")).error(), ParameterError::bad_value);
  EXPECT_EQ(*decode_parameters({}), LinkParameters{});
}

TEST_F(ClientFixture, dm_answer_to_snrm_fails_with_dm) {
  ASSERT_TRUE(link.connect(now));
  take();
  feed(meter_frame(0x1F, {}));
  auto failed = events_of<Failed>(events());
  ASSERT_EQ(failed.size(), 1U);
  EXPECT_EQ(failed[0].kind, LinkError::dm);
  EXPECT_EQ(link.state(), LinkState::failed);
  EXPECT_EQ(link.send(hex("60"), now).error(), CommandError::failed);
  EXPECT_EQ(link.connect(now).error(), CommandError::failed);
}

TEST_F(ClientFixture, frmr_is_a_failure_with_its_reason) {
  connect_with_capture_ua();
  ASSERT_TRUE(link.send(hex("60 00"), now));
  take();
  feed(meter_frame(0x97, hex("10 00 08")));
  auto failed = events_of<Failed>(events());
  ASSERT_EQ(failed.size(), 1U);
  EXPECT_EQ(failed[0].kind, LinkError::frmr);
  EXPECT_NE(failed[0].message.find("invalid N(R)"), std::string::npos);
}

TEST_F(ClientFixture, wrong_ns_in_response_is_sequence_error_and_sticky) {
  connect_with_capture_ua();
  ASSERT_TRUE(link.send(hex("60 00"), now));
  take();
  feed(meter_frame(control::i_frame(3, 1), with_llc(hex("61 00"))));
  auto failed = events_of<Failed>(events());
  ASSERT_EQ(failed.size(), 1U);
  EXPECT_EQ(failed[0].kind, LinkError::sequence);
  // Sticky: later good frames change nothing.
  feed(meter_frame(control::i_frame(0, 1), with_llc(hex("61 00"))));
  EXPECT_TRUE(events().empty());
  EXPECT_EQ(link.state(), LinkState::failed);
  // The session can still say goodbye.
  ASSERT_TRUE(link.disconnect(now));
  EXPECT_EQ(frame_from(take()).type(), FrameType::disc);
}

TEST_F(ClientFixture, repeated_last_response_is_dropped_not_a_failure) {
  connect_with_capture_ua();
  ASSERT_TRUE(link.send(hex("60 00"), now));
  take();
  const Bytes aare = meter_frame(control::i_frame(0, 1), with_llc(hex("61 00")));
  feed(aare);
  EXPECT_EQ(events_of<ApduReceived>(events()).size(), 1U);
  feed(aare);  // the meter repeats it while we are idle
  EXPECT_TRUE(events().empty());
  ASSERT_TRUE(link.send(hex("C0 01"), now));
  EXPECT_EQ(frame_from(take()).control, 0x32);
  feed(aare);  // and again while our GET is outstanding
  EXPECT_TRUE(events().empty());
  EXPECT_EQ(link.duplicates_discarded(), 2U);
  feed(meter_frame(0x52, with_llc(hex("C4 01"))));
  EXPECT_EQ(events_of<ApduReceived>(events()).size(), 1U);
  EXPECT_EQ(link.state(), LinkState::connected);
}

TEST_F(ClientFixture, wrong_nr_in_response_is_sequence_error) {
  connect_with_capture_ua();
  ASSERT_TRUE(link.send(hex("60 00"), now));
  take();
  feed(meter_frame(control::i_frame(0, 0), with_llc(hex("61 00"))));
  EXPECT_EQ(events_of<Failed>(events()).at(0).kind, LinkError::sequence);
}

TEST_F(ClientFixture, response_without_llc_is_format_error) {
  connect_with_capture_ua();
  ASSERT_TRUE(link.send(hex("60 00"), now));
  take();
  feed(meter_frame(control::i_frame(0, 1), hex("61 00")));
  EXPECT_EQ(events_of<Failed>(events()).at(0).kind, LinkError::format);
}

TEST_F(ClientFixture, unexpected_frames_fail) {
  connect_with_capture_ua();
  feed(meter_frame(control::i_frame(0, 0), with_llc(hex("61 00"))));  // nobody asked
  EXPECT_EQ(events_of<Failed>(events()).at(0).kind, LinkError::unexpected_frame);
}

TEST_F(ClientFixture, timeout_polls_then_fails) {
  connect_with_capture_ua();
  ASSERT_TRUE(link.send(hex("60 00"), now));
  take();
  ASSERT_TRUE(link.poll_timeout());
  const auto deadline = *link.poll_timeout();
  link.handle_timeout(deadline - std::chrono::milliseconds(1));  // spurious: no-op
  EXPECT_FALSE(link.poll_transmit());
  link.handle_timeout(deadline);
  auto poll = frame_from(take());
  EXPECT_EQ(poll.type(), FrameType::rr);
  EXPECT_EQ(control::recv_seq(poll.control), 0);
  link.handle_timeout(*link.poll_timeout());
  auto failed = events_of<Failed>(events());
  ASSERT_EQ(failed.size(), 1U);
  EXPECT_EQ(failed[0].kind, LinkError::timeout);
  EXPECT_FALSE(link.poll_timeout());
}

TEST_F(ClientFixture, disc_timeout_still_disconnects) {
  connect_with_capture_ua();
  ASSERT_TRUE(link.disconnect(now));
  take();
  link.handle_timeout(*link.poll_timeout());
  EXPECT_EQ(frame_from(take()).type(), FrameType::disc);  // one retry
  link.handle_timeout(*link.poll_timeout());
  auto d = events_of<Disconnected>(events());
  ASSERT_EQ(d.size(), 1U);
  EXPECT_FALSE(d[0].acknowledged);
}

TEST_F(ClientFixture, segmented_response_is_acknowledged_with_rr_and_reassembled) {
  connect_with_capture_ua();
  ASSERT_TRUE(link.send(hex("C0 01 C1 00 07 00 00 63 01 00 FF 02 00"), now));
  take();
  Bytes full = with_llc(Bytes(300, 0x42));
  feed(meter_frame(control::i_frame(0, 1), Bytes(full.begin(), full.begin() + 128), true));
  auto rr = frame_from(take());
  EXPECT_EQ(rr.type(), FrameType::rr);
  EXPECT_EQ(rr.control, control::rr(1));
  EXPECT_TRUE(events().empty());
  feed(meter_frame(control::i_frame(1, 1), Bytes(full.begin() + 128, full.begin() + 256), true));
  EXPECT_EQ(frame_from(take()).control, control::rr(2));
  feed(meter_frame(control::i_frame(2, 1), Bytes(full.begin() + 256, full.end()), false));
  EXPECT_FALSE(link.poll_transmit());
  auto r = events_of<ApduReceived>(events());
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r[0].apdu, Bytes(300, 0x42));
}

TEST_F(ClientFixture, a_segmented_response_growing_past_64_kib_is_a_segmentation_error) {
  connect_with_capture_ua();
  ASSERT_TRUE(link.send(hex("C0 01 C1 00 07 00 00 63 01 00 FF 02 00"), now));
  take();
  const Bytes segment(2000, 0x42);  // long frames (11-bit length) keep the loop short
  std::vector<Failed> failed;
  std::size_t fed = 0;
  for (std::uint8_t ns = 0; failed.empty() && fed <= kMaxApdu + 2000; ns = (ns + 1) % 8) {
    feed(meter_frame(control::i_frame(ns, 1), fed == 0 ? with_llc(segment) : segment, true));
    fed += segment.size();
    failed = events_of<Failed>(events());
    if (failed.empty()) {
      EXPECT_EQ(frame_from(take()).type(), FrameType::rr);
    }
  }
  ASSERT_EQ(failed.size(), 1U);
  EXPECT_EQ(failed[0].kind, LinkError::segmentation);
  EXPECT_GT(fed, kMaxApdu);  // not before the limit
  EXPECT_EQ(link.state(), LinkState::failed);
}

// ---------------------------------------------------------------------------------------------
// Client Link + server Link in memory.

struct PairFixture : ::testing::Test {
  LinkPair pair{LinkPair::client_config(), LinkPair::server_config()};

  void SetUp() override {
    pair.now = t0();
    pair.server_app = [](const Bytes& apdu) -> std::optional<Bytes> {
      Bytes answer{0xAA};
      answer.insert(answer.end(), apdu.begin(), apdu.end());
      return answer;
    };
  }
  void connect() {
    ASSERT_TRUE(pair.client.link.connect(pair.now));
    pair.drive();
    ASSERT_EQ(pair.client.link.state(), LinkState::connected);
    ASSERT_EQ(pair.server.link.state(), LinkState::connected);
  }
  Bytes request(const Bytes& apdu, int timeouts = 0) {
    const std::size_t before = pair.client.events.size();
    EXPECT_TRUE(pair.client.link.send(apdu, pair.now));
    pair.drive(timeouts);
    for (std::size_t i = before; i < pair.client.events.size(); ++i) {
      if (auto* r = std::get_if<ApduReceived>(&pair.client.events[i])) return r->apdu;
    }
    return {};
  }
};

TEST_F(PairFixture, snrm_ua_requests_and_disc) {
  connect();
  EXPECT_EQ(pair.client.sent.front(), hex("7E A0 07 03 03 93 8C 11 7E"));
  for (int i = 0; i < 20; ++i) {
    const Bytes apdu{0xC0, 0x01, static_cast<std::uint8_t>(0xC0 | (i & 0x0F))};
    Bytes expected{0xAA};
    expected.insert(expected.end(), apdu.begin(), apdu.end());
    EXPECT_EQ(request(apdu), expected) << i;
  }
  ASSERT_TRUE(pair.client.link.disconnect(pair.now));
  pair.drive();
  EXPECT_EQ(pair.client.link.state(), LinkState::disconnected);
  EXPECT_EQ(pair.server.link.state(), LinkState::disconnected);
  EXPECT_EQ(events_of<Disconnected>(pair.server.events).size(), 1U);
  EXPECT_TRUE(pair.client.frame_errors.empty());
  EXPECT_TRUE(pair.server.frame_errors.empty());
}

TEST_F(PairFixture, segmented_both_ways_with_small_negotiated_info) {
  pair.client.link = Link([] {
    auto c = LinkPair::client_config();
    c.proposed = LinkParameters{32, 48, 1, 1};
    return c;
  }());
  connect();
  EXPECT_EQ(pair.client.link.parameters().max_info_tx, 32U);
  EXPECT_EQ(pair.client.link.parameters().max_info_rx, 48U);
  Bytes big(500);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 7);
  Bytes expected{0xAA};
  expected.insert(expected.end(), big.begin(), big.end());
  EXPECT_EQ(request(big), expected);
  bool saw_segment = false;
  for (const auto& b : pair.server.sent) {
    auto f = frame_from(b);
    EXPECT_LE(f.info.size(), 48U);
    saw_segment = saw_segment || f.segmented;
  }
  EXPECT_TRUE(saw_segment);
  for (const auto& b : pair.client.sent) EXPECT_LE(frame_from(b).info.size(), 32U);
  EXPECT_EQ(request(hex("01 02")), hex("AA 01 02"));  // sequence still right afterwards
}

TEST_F(PairFixture, lost_response_is_recovered_by_rr_poll) {
  connect();
  int drop = 1;
  pair.tamper = [&drop](bool from_client, const Bytes& b) {
    if (!from_client && frame_from(b).type() == FrameType::i && drop-- > 0) return Bytes{};
    return b;
  };
  EXPECT_EQ(request(hex("01"), 3), hex("AA 01"));
  EXPECT_EQ(request(hex("02")), hex("AA 02"));
  EXPECT_TRUE(events_of<Failed>(pair.client.events).empty());
}

TEST_F(PairFixture, lost_request_is_retransmitted) {
  connect();
  int drop = 1;
  pair.tamper = [&drop](bool from_client, const Bytes& b) {
    if (from_client && frame_from(b).type() == FrameType::i && drop-- > 0) return Bytes{};
    return b;
  };
  EXPECT_EQ(request(hex("01"), 3), hex("AA 01"));
  EXPECT_EQ(request(hex("02")), hex("AA 02"));
  EXPECT_TRUE(events_of<Failed>(pair.client.events).empty());
}

TEST_F(PairFixture, lost_segment_ack_is_recovered) {
  pair.client.link = Link([] {
    auto c = LinkPair::client_config();
    c.proposed = LinkParameters{32, 32, 1, 1};
    return c;
  }());
  connect();
  int drop = 1;
  pair.tamper = [&drop](bool from_client, const Bytes& b) {
    if (from_client && frame_from(b).type() == FrameType::rr && drop-- > 0) return Bytes{};
    return b;
  };
  Bytes big(100, 0x33);
  Bytes expected{0xAA};
  expected.insert(expected.end(), big.begin(), big.end());
  EXPECT_EQ(request(big, 3), expected);
}

TEST_F(PairFixture, garbage_and_corruption_between_frames) {
  connect();
  int n = 0;
  pair.tamper = [&n](bool, const Bytes& b) {
    Bytes out = hex("EB A3 7E 7E A5 00 7E");  // noise, a false frame start, doubled flags
    out.insert(out.end(), b.begin(), b.end());
    if (++n % 3 == 0) out.push_back(0x55);
    return out;
  };
  for (int i = 0; i < 10; ++i) EXPECT_EQ(request(Bytes{static_cast<std::uint8_t>(i)}), (Bytes{0xAA, static_cast<std::uint8_t>(i)}));
  EXPECT_TRUE(events_of<Failed>(pair.client.events).empty());
}

TEST_F(PairFixture, corrupted_response_then_rr_recovery) {
  connect();
  int corrupt = 1;
  pair.tamper = [&corrupt](bool from_client, const Bytes& b) {
    Bytes out = b;
    if (!from_client && frame_from(b).type() == FrameType::i && corrupt-- > 0) out[out.size() - 4] ^= 0xFF;
    return out;
  };
  EXPECT_EQ(request(hex("07"), 3), hex("AA 07"));
  ASSERT_FALSE(pair.client.frame_errors.empty());
  EXPECT_EQ(pair.client.frame_errors[0].kind, LinkError::fcs);
}

TEST_F(PairFixture, server_inactivity_timeout_then_client_gets_dm) {
  pair.server.link = Link([] {
    auto c = LinkPair::server_config();
    c.inactivity_timeout = std::chrono::seconds(180);
    return c;
  }());
  connect();
  pair.now += std::chrono::seconds(181);
  pair.server.link.handle_timeout(pair.now);
  pair.drive();
  EXPECT_EQ(pair.server.link.state(), LinkState::disconnected);
  auto d = events_of<Disconnected>(pair.server.events);
  ASSERT_EQ(d.size(), 1U);
  EXPECT_FALSE(d[0].acknowledged);
  request(hex("01"));
  auto failed = events_of<Failed>(pair.client.events);
  ASSERT_EQ(failed.size(), 1U);
  EXPECT_EQ(failed[0].kind, LinkError::dm);
}

TEST_F(PairFixture, server_answers_disc_when_disconnected_with_dm) {
  ASSERT_TRUE(pair.client.link.connect(pair.now));
  pair.tamper = [](bool from_client, const Bytes& b) { return from_client ? b : Bytes{}; };  // UA lost
  pair.drive();
  pair.tamper = nullptr;
  // Server is connected, the client is not: the client's SNRM retry resets the server's link.
  pair.drive(1);
  EXPECT_EQ(pair.client.link.state(), LinkState::connected);
  Link fresh_server(LinkPair::server_config());
  fresh_server.handle_frame(frame_from(hex("7E A0 07 03 03 53 80 D7 7E")), pair.now);
  EXPECT_EQ(frame_from(*fresh_server.poll_transmit()).type(), FrameType::dm);
}

TEST(LinkServerTest, frame_reject_for_unknown_control_and_invalid_nr) {
  Link server(LinkPair::server_config());
  const auto now = t0();
  auto client_frame = [](std::uint8_t control, Bytes info = {}) {
    return Frame{*encode_server_address({0, 1, 1}), *encode_client_address(1), control, false, std::move(info)};
  };
  // I-frame before SNRM -> DM.
  server.handle_frame(client_frame(control::i_frame(0, 0), with_llc(hex("60 00"), false)), now);
  EXPECT_EQ(frame_from(*server.poll_transmit()).type(), FrameType::dm);
  server.handle_frame(client_frame(control::snrm()), now);
  auto ua = frame_from(*server.poll_transmit());
  EXPECT_EQ(ua.type(), FrameType::ua);
  EXPECT_EQ(*decode_parameters(ua.info), (LinkParameters{128, 128, 1, 1}));
  // Invalid N(R) -> FRMR with Z.
  server.handle_frame(client_frame(control::i_frame(0, 5), with_llc(hex("60 00"), false)), now);
  auto frmr = frame_from(*server.poll_transmit());
  EXPECT_EQ(frmr.type(), FrameType::frmr);
  ASSERT_EQ(frmr.info.size(), 3U);
  EXPECT_EQ(frmr.info[2], 0x08);
  EXPECT_EQ(server.state(), LinkState::frame_reject);
  // Everything but SNRM/DISC is answered with FRMR again.
  server.handle_frame(client_frame(control::rr(0)), now);
  EXPECT_EQ(frame_from(*server.poll_transmit()).type(), FrameType::frmr);
  server.handle_frame(client_frame(control::snrm()), now);
  EXPECT_EQ(frame_from(*server.poll_transmit()).type(), FrameType::ua);
  // Unknown control (REJ) -> FRMR with W.
  server.handle_frame(client_frame(0x19), now);
  auto w = frame_from(*server.poll_transmit());
  EXPECT_EQ(w.type(), FrameType::frmr);
  EXPECT_EQ(w.info[2], 0x01);
}

TEST(LinkServerTest, server_waits_for_poll_before_answering_late) {
  auto client = LinkPair::client_config();
  client.max_retries = 3;
  LinkPair pair{client, LinkPair::server_config()};
  pair.now = t0();
  ASSERT_TRUE(pair.client.link.connect(pair.now));
  pair.drive();
  ASSERT_TRUE(pair.client.link.send(hex("01"), pair.now));
  pair.drive();  // no server_app: no answer
  pair.drive(1);  // client polls with RR, server answers RR (nothing yet)
  // The application answers late; the server must wait for the next poll.
  ASSERT_TRUE(pair.server.link.send(hex("AA 01"), pair.now));
  EXPECT_FALSE(pair.server.link.poll_transmit());
  pair.client.link.handle_timeout(*pair.client.link.poll_timeout());
  pair.drive();
  auto r = events_of<ApduReceived>(pair.client.events);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r[0].apdu, hex("AA 01"));
}

TEST(LinkServerTest, addresses_that_are_not_ours_are_ignored) {
  Link server(LinkPair::server_config({0, 5, 1}));
  server.handle_frame(Frame{*encode_server_address({0, 1, 1}), *encode_client_address(1), control::snrm(), false, {}},
                      t0());
  EXPECT_FALSE(server.poll_transmit());
  EXPECT_EQ(server.state(), LinkState::disconnected);
}

}  // namespace
