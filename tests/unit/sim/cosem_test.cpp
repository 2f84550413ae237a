// The application layer of the simulator, driven in memory by the codec's own client (Link +
// cosem::Client): golden frames from docs/protocol.md, association rules, GET normal / block / with-list,
// data-access-results, and the protocol-level faults (reject_association, value_7e).
#include <gtest/gtest.h>

// Designated initialisers of ClientOptions name only what a test changes.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "dlms/cosem/association.h"
#include "dlms/cosem/get.h"
#include "dlms/cosem/register.h"
#include "memory_pipe.h"
#include "session_helpers.h"
#include "sim/fleet.h"
#include "sim/objects.h"

namespace {

using namespace sim_test;
using cosem::DataAccessResult;
using cosem::Value;

// docs/protocol.md 1.7 / 1.8 / 1.14: the production session (client SAP 1, server 03, password 22222222).
const char* kSnrm = "7E A0 07 03 03 93 8C 11 7E";
const char* kAarq =
    "7E A0 44 03 03 10 65 94 E6 E6 00 60 36 A1 09 06 07 60 85 74 05 08 01 01 8A 02 07 80 8B 07 60 85 74 05 08 02 01 "
    "AC 0A 80 08 32 32 32 32 32 32 32 32 BE 10 04 0E 01 00 00 00 06 5F 1F 04 00 00 7E 1F 04 B0 52 68 7E";
const char* kGet3 = "7E A0 19 03 03 12 EE E9 E6 E6 00 C0 01 01 00 03 01 01 20 07 00 FF 03 00 96 5A 7E";
const char* kGet2 = "7E A0 19 03 03 34 DA AD E6 E6 00 C0 01 02 00 03 01 01 20 07 00 FF 02 00 FD BD 7E";
const char* kDisc = "7E A0 07 03 03 53 80 D7 7E";

struct CosemTest : ::testing::Test {
  sim::Fleet fleet{3, sim::make_profile(sim::ProfileKind::microstar), 1};

  std::unique_ptr<sim::ServerSession> session(std::uint32_t meter = 1) {
    auto s = std::make_unique<sim::ServerSession>(fleet, sim::Transport::hdlc, fleet.find(meter), false,
                                                  std::chrono::steady_clock::now());
    EXPECT_TRUE(s->accept());
    return s;
  }
};

std::string hex_of(const sim::Output& o) {
  return dlms::to_hex(o.bytes);
}
dlms::Bytes apdu_of(const sim::Output& o) {
  auto f = SessionDriver::frame(o);
  return dlms::Bytes(f.info.begin() + 3, f.info.end());
}

TEST_F(CosemTest, production_session_replays_byte_exact_headers_of_the_capture) {
  auto s = session();
  SessionDriver d{*s};
  auto ua = d.send(hex(kSnrm));
  ASSERT_EQ(ua.size(), 1U);
  EXPECT_EQ(hex_of(ua[0]).substr(0, 23), "7E A0 1E 03 03 73 40 CC");

  auto aare = d.send(hex(kAarq));
  ASSERT_EQ(aare.size(), 1U);
  EXPECT_EQ(hex_of(aare[0]).substr(0, 23), "7E A0 37 03 03 30 EF CA") << hex_of(aare[0]);
  auto decoded = cosem::decode_aare(apdu_of(aare[0]));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->result, cosem::AssociationResult::accepted);
  ASSERT_TRUE(decoded->initiate);
  EXPECT_EQ(decoded->initiate->conformance, 0x00301DU);
  EXPECT_EQ(decoded->initiate->server_max_receive_pdu, 0x1900);
  EXPECT_EQ(decoded->initiate->vaa_name, 0x0007);

  // The previous client's stale N(R) (control 12, 34) is tolerated, as the Microstar does.
  auto r3 = d.send(hex(kGet3));
  ASSERT_EQ(r3.size(), 1U);
  EXPECT_EQ(hex_of(r3[0]), "7E A0 16 03 03 52 13 19 E6 E7 00 C4 01 01 00 02 02 0F FE 16 23 " +
                               hex_of(r3[0]).substr(hex_of(r3[0]).size() - 8));
  auto r2 = d.send(hex(kGet2));
  ASSERT_EQ(r2.size(), 1U);
  EXPECT_EQ(hex_of(r2[0]).substr(0, 47),
            "7E A0 15 03 03 74 " + hex_of(r2[0]).substr(18, 5) + " E6 E7 00 C4 01 02 00 06");
  auto get = cosem::decode_get_response(apdu_of(r2[0]));
  ASSERT_TRUE(get);
  auto& normal = std::get<cosem::GetResponseNormal>(*get);
  auto* v = std::get_if<Value>(&normal.result);
  ASSERT_TRUE(v);
  auto raw = v->get_if<std::uint32_t>();
  ASSERT_TRUE(raw);
  EXPECT_GT(*raw, 13000U);
  EXPECT_LT(*raw, 14000U);

  auto ua2 = d.send(hex(kDisc));
  ASSERT_EQ(ua2.size(), 1U);
  EXPECT_EQ(SessionDriver::frame(ua2[0]).type(), hdlc::FrameType::ua);
  EXPECT_EQ(fleet.find(1)->association_owner(), nullptr);
}

TEST_F(CosemTest, generic_profile_answers_frmr_to_a_stale_nr) {
  sim::Fleet generic(1, sim::make_profile(sim::ProfileKind::generic), 1);
  sim::ServerSession s(generic, sim::Transport::hdlc, generic.find(1), false, std::chrono::steady_clock::now());
  ASSERT_TRUE(s.accept());
  MemoryPipe mem{s};
  DlmsTestClient c(mem.pipe(), {.server = {1, 1, 4}, .client_sap = 16, .password = std::nullopt});
  ASSERT_TRUE(c.connect());
  ASSERT_TRUE(std::holds_alternative<cosem::Associated>(c.associate()));
  // The codec client acknowledges correctly; forge a GET with N(R) one behind.
  hdlc::Frame f;
  f.destination = *hdlc::encode_server_address({1, 1, 4});
  f.source = *hdlc::encode_client_address(16);
  f.control = hdlc::control::i_frame(1, 0);
  f.info = hex("E6 E6 00 C0 01 C1 00 03 01 00 20 07 00 FF 02 00");
  SessionDriver d{s};
  auto out = d.send(*hdlc::encode(f));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(SessionDriver::frame(out[0]).type(), hdlc::FrameType::frmr);
}

TEST_F(CosemTest, every_label_credential_and_the_public_client_associate) {
  struct Case {
    std::uint8_t sap;
    std::optional<std::string> password;
  };
  for (auto [sap, password] :
       {Case{1, "22222222"}, Case{17, "00000000"}, Case{32, "11111111"}, Case{16, std::nullopt}}) {
    auto s = session();
    MemoryPipe mem{*s};
    DlmsTestClient c(mem.pipe(), {.client_sap = sap, .password = password});
    ASSERT_TRUE(c.connect()) << int(sap);
    auto r = c.associate();
    EXPECT_TRUE(std::holds_alternative<cosem::Associated>(r)) << int(sap);
    EXPECT_TRUE(c.release()) << int(sap);
  }
  EXPECT_EQ(fleet.find(1)->stats().associations, 4U);
  EXPECT_EQ(fleet.find(1)->stats().releases, 4U);
}

TEST_F(CosemTest, wrong_password_is_rejected_with_authentication_failure) {
  auto s = session();
  MemoryPipe mem{*s};
  DlmsTestClient c(mem.pipe(), {.client_sap = 1, .password = "11111111"});
  ASSERT_TRUE(c.connect());
  auto r = c.associate();
  auto* failed = std::get_if<cosem::ClientFailed>(&r);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->reason, cosem::FailReason::association_rejected);
  EXPECT_EQ(failed->diagnostic, cosem::diagnostic::kAuthenticationFailure);
  EXPECT_EQ(fleet.find(1)->stats().rejected_password, 1U);
}

TEST_F(CosemTest, lls_client_without_password_and_unknown_client_are_rejected) {
  {
    auto s = session();
    MemoryPipe mem{*s};
    DlmsTestClient c(mem.pipe(), {.client_sap = 1, .password = std::nullopt});
    ASSERT_TRUE(c.connect());
    auto r = c.associate();
    ASSERT_TRUE(std::holds_alternative<cosem::ClientFailed>(r));
    EXPECT_EQ(std::get<cosem::ClientFailed>(r).diagnostic, cosem::diagnostic::kAuthenticationRequired);
  }
  auto s = session();
  MemoryPipe mem{*s};
  DlmsTestClient c(mem.pipe(), {.client_sap = 5, .password = "x"});
  ASSERT_TRUE(c.connect());
  EXPECT_TRUE(std::holds_alternative<cosem::ClientFailed>(c.associate()));
}

TEST_F(CosemTest, second_association_on_a_microstar_is_busy_until_the_first_is_released) {
  auto s1 = session();
  auto s2 = session();
  MemoryPipe m1{*s1}, m2{*s2};
  DlmsTestClient a(m1.pipe(), {}), b(m2.pipe(), {});
  ASSERT_TRUE(a.connect());
  ASSERT_TRUE(b.connect());
  ASSERT_TRUE(std::holds_alternative<cosem::Associated>(a.associate()));
  auto busy = b.associate();
  ASSERT_TRUE(std::holds_alternative<cosem::ClientFailed>(busy));
  EXPECT_EQ(fleet.find(1)->stats().rejected_busy, 1U);
  auto aare = cosem::decode_aare(dlms::Bytes(b.frames.back().begin() + 11, b.frames.back().end() - 3));
  ASSERT_TRUE(aare) << dlms::to_hex(b.frames.back());
  EXPECT_EQ(aare->result, cosem::AssociationResult::rejected_transient);
  ASSERT_TRUE(a.release());
  DlmsTestClient b2(m2.pipe(), {});
  ASSERT_TRUE(b2.connect());
  EXPECT_TRUE(std::holds_alternative<cosem::Associated>(b2.associate()));
}

TEST_F(CosemTest, closing_the_connection_frees_the_association_slot) {
  {
    auto s1 = session();
    MemoryPipe m1{*s1};
    DlmsTestClient a(m1.pipe(), {});
    ASSERT_TRUE(a.connect());
    ASSERT_TRUE(std::holds_alternative<cosem::Associated>(a.associate()));
    EXPECT_NE(fleet.find(1)->association_owner(), nullptr);
  }
  EXPECT_EQ(fleet.find(1)->association_owner(), nullptr);
}

TEST_F(CosemTest, forced_rejections_are_counted) {
  fleet.find(1)->faults().reject_association = sim::RejectMode::auth;
  fleet.find(2)->faults().reject_association = sim::RejectMode::busy;
  for (std::uint32_t m : {1U, 2U}) {
    auto s = session(m);
    MemoryPipe mem{*s};
    DlmsTestClient c(mem.pipe(), {.server = {0, 1, 1}});
    ASSERT_TRUE(c.connect());
    auto r = c.associate();
    ASSERT_TRUE(std::holds_alternative<cosem::ClientFailed>(r)) << m;
    if (m == 1) {
      EXPECT_EQ(std::get<cosem::ClientFailed>(r).diagnostic, cosem::diagnostic::kAuthenticationFailure);
    }
  }
  EXPECT_EQ(fleet.find(1)->counts().get(sim::FaultKind::reject_auth), 1U);
  EXPECT_EQ(fleet.find(2)->counts().get(sim::FaultKind::reject_busy), 1U);
}

struct Associated : CosemTest {
  std::unique_ptr<sim::ServerSession> s = session();
  MemoryPipe mem{*s};
  std::unique_ptr<DlmsTestClient> c;
  void SetUp() override { open({}); }
  void open(ClientOptions o) {
    c = std::make_unique<DlmsTestClient>(mem.pipe(), o);
    ASSERT_TRUE(c->connect());
    ASSERT_TRUE(std::holds_alternative<cosem::Associated>(c->associate()));
  }
};

TEST_F(Associated, registers_have_scaler_unit_and_realistic_values) {
  struct Case {
    const char* obis;
    int scaler;
    int unit;
    double low, high;
  };
  for (auto [obis, scaler, unit, low, high] :
       {Case{"1-1:32.7.0", -2, 35, 130, 140}, Case{"1-1:31.7.0", -3, 33, 0.5, 2.5},
        Case{"1-1:14.7.0", -2, 44, 59.9, 60.1}, Case{"1-1:1.7.0", -1, 27, 50, 400},
        Case{"1-1:1.8.0", 0, 30, 10000, 100000}, Case{"1-1:72.7.0", -2, 35, 130, 140}}) {
    auto su = c->get(3, obis, 3);
    ASSERT_TRUE(su) << obis;
    auto decoded = cosem::decode_scaler_unit(std::get<Value>(*su));
    ASSERT_TRUE(decoded) << obis;
    EXPECT_EQ(decoded->scaler, scaler) << obis;
    EXPECT_EQ(decoded->unit, unit) << obis;
    auto raw = c->get(3, obis, 2);
    ASSERT_TRUE(raw) << obis;
    auto value = cosem::scaled_value(std::get<Value>(*raw), decoded->scaler);
    ASSERT_TRUE(value) << obis;
    EXPECT_GT(*value, low) << obis;
    EXPECT_LT(*value, high) << obis;
  }
}

TEST_F(Associated, unknown_object_wrong_class_and_attribute_get_data_access_results) {
  auto unknown = c->get(3, "1-1:99.7.0", 2);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(std::get<DataAccessResult>(*unknown), DataAccessResult::object_undefined);
  auto wrong_class = c->get(4, "1-1:32.7.0", 2);
  ASSERT_TRUE(wrong_class);
  EXPECT_EQ(std::get<DataAccessResult>(*wrong_class), DataAccessResult::object_class_inconsistent);
  auto b0 = c->get(3, "1-0:32.7.0", 2);  // generic B=0 code on a Microstar
  ASSERT_TRUE(b0);
  EXPECT_EQ(std::get<DataAccessResult>(*b0), DataAccessResult::object_undefined);
  auto attribute = c->get(3, "1-1:32.7.0", 9);
  ASSERT_TRUE(attribute);
  EXPECT_EQ(std::get<DataAccessResult>(*attribute), DataAccessResult::object_unavailable);
  EXPECT_EQ(fleet.find(1)->stats().get_requests, 4U);
}

TEST_F(Associated, serial_number_and_clock) {
  auto serial = c->get(1, "1-0:0.0.0", 2);
  ASSERT_TRUE(serial);
  EXPECT_EQ(std::get<Value>(*serial).get_if<cosem::VisibleString>()->text, "000019000001");
  auto clock = c->get(8, "0-0:1.0.0", 2);
  ASSERT_TRUE(clock);
  auto* octets = std::get<Value>(*clock).get_if<cosem::OctetString>();
  ASSERT_TRUE(octets);
  auto dt = cosem::decode_date_time(octets->bytes);
  ASSERT_TRUE(dt);
  EXPECT_GE(dt->date.year, 2024);
  EXPECT_EQ(dt->deviation, 0);
}

TEST_F(Associated, object_list_names_every_object_over_segmented_frames) {
  auto list = c->get(15, "0-0:40.0.0", 2);
  ASSERT_TRUE(list);
  auto* array = std::get<Value>(*list).get_if<cosem::Array>();
  ASSERT_TRUE(array);
  const auto& table = sim::ObjectTable::of(sim::ProfileKind::microstar);
  ASSERT_EQ(array->items.size(), table.objects().size());
  for (std::size_t i = 0; i < array->items.size(); ++i) {
    const auto& entry = *array->items[i].get_if<cosem::Structure>();
    EXPECT_EQ(*entry.items[0].get_if<std::uint16_t>(), table.objects()[i].class_id);
    auto name = entry.items[2].get_if<cosem::OctetString>()->bytes;
    EXPECT_TRUE(std::equal(name.begin(), name.end(), table.objects()[i].name.bytes.begin()));
  }
  // More than 128 bytes: the answer came in several I-frames with the S bit (RR in between).
  std::size_t segmented = 0;
  for (const auto& o : mem.outputs) segmented += SessionDriver::frame(o).segmented;
  EXPECT_GT(segmented, 2U);
}

TEST_F(Associated, small_client_pdu_gets_the_object_list_by_block_transfer) {
  open({.max_receive_pdu = 64});
  auto list = c->get(15, "0-0:40.0.0", 2);
  ASSERT_TRUE(list);
  ASSERT_TRUE(std::get<Value>(*list).get_if<cosem::Array>());
  std::size_t blocks = 0;
  for (const auto& o : mem.outputs) {
    auto f = SessionDriver::frame(o);
    if (f.info.size() > 4 && f.info[3] == 0xC4 && f.info[4] == 0x02) ++blocks;
  }
  EXPECT_GT(blocks, 5U);
}

TEST_F(Associated, get_next_without_transfer_and_with_wrong_block) {
  SessionDriver d{*s};
  // I-frame by hand: N(S)=V(S) of the client link, N(R)=its V(R).
  auto frame_with = [&](const char* apdu_hex) {
    hdlc::Frame f;
    f.destination = *hdlc::encode_server_address({0, 1, 1});
    f.source = *hdlc::encode_client_address(1);
    f.control = hdlc::control::i_frame(c->link().send_sequence(), c->link().receive_sequence());
    f.info = hex(std::string("E6 E6 00 ") + apdu_hex);
    return *hdlc::encode(f);
  };
  auto out = d.send(frame_with("C0 02 C1 00 00 00 01"));
  ASSERT_EQ(out.size(), 1U);
  auto r = cosem::decode_get_response(apdu_of(out[0]));
  ASSERT_TRUE(r);
  auto& block = std::get<cosem::GetResponseWithDatablock>(*r);
  EXPECT_EQ(std::get<DataAccessResult>(block.result), DataAccessResult::no_long_get_in_progress);
}

// SET with-list (C1 04) is not served: an exception-response, as for any unsupported service.
TEST_F(Associated, set_with_list_is_refused_with_an_exception_response) {
  SessionDriver d{*s};
  hdlc::Frame f;
  f.destination = *hdlc::encode_server_address({0, 1, 1});
  f.source = *hdlc::encode_client_address(1);
  f.control = hdlc::control::i_frame(c->link().send_sequence(), c->link().receive_sequence());
  f.info = hex("E6 E6 00 C1 04 C1 01 00 08 00 00 01 00 00 FF 02 00 01 09 0C 07 D2 0C 04 03 0A 06 0B FF 00 78 00");
  auto out = d.send(*hdlc::encode(f));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(apdu_of(out[0])[0], cosem::tag::kExceptionResponse);
}

TEST_F(Associated, value_7e_puts_a_flag_byte_in_the_value_and_the_frame_still_decodes) {
  fleet.find(1)->faults().value_7e = true;
  auto raw = c->get(3, "1-1:32.7.0", 2);
  ASSERT_TRUE(raw);
  auto v = *std::get<Value>(*raw).get_if<std::uint32_t>();
  EXPECT_EQ(v & 0xFF, 0x7EU);
  EXPECT_EQ(fleet.find(1)->counts().get(sim::FaultKind::value_7e), 1U);
}

TEST(CosemGenericTest, generic_profile_serves_b0_codes_and_get_with_list) {
  sim::Fleet fleet(1, sim::make_profile(sim::ProfileKind::generic), 1);
  sim::ServerSession s(fleet, sim::Transport::hdlc, fleet.find(1), false, std::chrono::steady_clock::now());
  ASSERT_TRUE(s.accept());
  MemoryPipe mem{s};
  DlmsTestClient c(mem.pipe(), {.server = {1, 1, 2}, .client_sap = 16, .password = std::nullopt});
  ASSERT_TRUE(c.connect());
  auto a = c.associate();
  ASSERT_TRUE(std::holds_alternative<cosem::Associated>(a));
  EXPECT_TRUE(std::get<cosem::Associated>(a).conformance & cosem::conformance::kMultipleReferences);
  std::vector<cosem::AttributeDescriptor> list;
  for (const char* o : {"1-0:32.7.0", "1-0:31.7.0", "1-0:14.7.0", "1-0:99.9.9"}) {
    list.push_back({3, *cosem::parse_obis(o), 2, std::nullopt});
  }
  auto results = c.get(list);
  ASSERT_EQ(results.size(), 4U);
  auto volts = cosem::scaled_value(std::get<Value>(results[0].result), -2);
  EXPECT_NEAR(*volts, 230, 10);
  EXPECT_EQ(std::get<DataAccessResult>(results[3].result), DataAccessResult::object_undefined);
  // One GET-With-List request, not four.
  EXPECT_EQ(fleet.find(1)->stats().get_requests, 1U);
  auto serial = c.get(1, "0-0:96.1.0", 2);
  ASSERT_TRUE(serial);
  EXPECT_TRUE(std::get<Value>(*serial).get_if<cosem::VisibleString>());
}

TEST(CosemWrapperTest, wrapper_transport_associates_and_reads) {
  sim::Fleet fleet(3, sim::make_profile(sim::ProfileKind::generic), 1);
  sim::ServerSession s(fleet, sim::Transport::wrapper, nullptr, true, std::chrono::steady_clock::now());
  ASSERT_TRUE(s.accept());
  MemoryPipe mem{s};
  DlmsTestClient c(mem.pipe(), {.wrapper = true, .client_sap = 16, .wrapper_destination = 2, .password = std::nullopt});
  ASSERT_TRUE(std::holds_alternative<cosem::Associated>(c.associate()));
  auto serial = c.get(1, "0-0:96.1.0", 2);
  ASSERT_TRUE(serial);
  EXPECT_EQ(std::get<Value>(*serial).get_if<cosem::VisibleString>()->text, "000019000002");
  EXPECT_EQ(s.meter()->id(), 2U);
  // Replies come from the meter's wPort to the client's.
  EXPECT_EQ(dlms::to_hex(mem.outputs.front().bytes).substr(0, 17), "00 01 00 02 00 10");
  EXPECT_TRUE(c.release());
}

TEST(CosemWrapperTest, idle_wrapper_connection_is_closed) {
  sim::Fleet fleet(1, sim::make_profile(sim::ProfileKind::microstar), 1);
  sim::ServerSession s(fleet, sim::Transport::wrapper, fleet.find(1), false, std::chrono::steady_clock::now());
  ASSERT_TRUE(s.accept());
  MemoryPipe mem{s};
  DlmsTestClient c(mem.pipe(), {.wrapper = true, .client_sap = 16, .password = std::nullopt});
  ASSERT_TRUE(std::holds_alternative<cosem::Associated>(c.associate()));
  auto deadline = s.poll_timeout();
  ASSERT_TRUE(deadline);
  s.handle_timeout(*deadline);
  EXPECT_TRUE(s.close_now());
  EXPECT_EQ(fleet.find(1)->association_owner(), nullptr);
}

}  // namespace

namespace {

TEST_F(Associated, get_next_with_a_wrong_block_number_aborts_the_long_get) {
  open({.max_receive_pdu = 64});
  SessionDriver d{*s};
  std::uint8_t vs = c->link().send_sequence(), vr = c->link().receive_sequence();
  auto frame_with = [&](const std::string& apdu_hex) {
    hdlc::Frame f;
    f.destination = *hdlc::encode_server_address({0, 1, 1});
    f.source = *hdlc::encode_client_address(1);
    f.control = hdlc::control::i_frame(vs, vr);
    f.info = hex("E6 E6 00 " + apdu_hex);
    vs = (vs + 1) & 7;
    vr = (vr + 1) & 7;
    return *hdlc::encode(f);
  };
  auto first = d.send(frame_with("C0 01 C5 00 0F 00 00 28 00 00 FF 02 00"));  // object list, invoke 5
  ASSERT_EQ(first.size(), 1U);
  auto block1 = cosem::decode_get_response(apdu_of(first[0]));
  ASSERT_TRUE(block1);
  ASSERT_EQ(std::get<cosem::GetResponseWithDatablock>(*block1).block_number, 1U);
  auto next = d.send(frame_with("C0 02 C5 00 00 00 05"));  // acknowledges block 5, not 1
  ASSERT_EQ(next.size(), 1U);
  auto aborted = cosem::decode_get_response(apdu_of(next[0]));
  ASSERT_TRUE(aborted);
  EXPECT_EQ(std::get<DataAccessResult>(std::get<cosem::GetResponseWithDatablock>(*aborted).result),
            DataAccessResult::long_get_aborted);
  // The transfer is over: another GET-next finds nothing in progress.
  auto again = d.send(frame_with("C0 02 C5 00 00 00 01"));
  ASSERT_EQ(again.size(), 1U);
  auto none = cosem::decode_get_response(apdu_of(again[0]));
  EXPECT_EQ(std::get<DataAccessResult>(std::get<cosem::GetResponseWithDatablock>(*none).result),
            DataAccessResult::no_long_get_in_progress);
}

}  // namespace
