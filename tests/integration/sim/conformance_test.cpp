// The simulator over real TCP, checked with raw frames from docs/protocol.md and with the codec's own
// client: production session, LLS credentials, busy meter, fleet mode with distinct meters,
// wrapper transport, and the protocol-level faults seen from the client.
#include <gtest/gtest.h>

// Designated initialisers of ClientOptions name only what a test changes.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "dlms/cosem/association.h"
#include "dlms/cosem/get.h"
#include "dlms/cosem/register.h"
#include "dlms_test_client.h"
#include "sim_fixture.h"

namespace {

using namespace sim_it;
using sim_test::ClientOptions;
using sim_test::DlmsTestClient;
namespace cosem = dlms::cosem;
namespace hdlc = dlms::hdlc;

sim_test::Pipe tcp_pipe(RawClient& c) {
  return {[&c](const dlms::Bytes& b) { c.send(b); },
          [&c](std::chrono::milliseconds timeout) { return c.read_some(timeout); }};
}

const char* kAarq =
    "7E A0 44 03 03 10 65 94 E6 E6 00 60 36 A1 09 06 07 60 85 74 05 08 01 01 8A 02 07 80 8B 07 60 85 74 05 08 02 01 "
    "AC 0A 80 08 32 32 32 32 32 32 32 32 BE 10 04 0E 01 00 00 00 06 5F 1F 04 00 00 7E 1F 04 B0 52 68 7E";
const char* kGet3 = "7E A0 19 03 03 12 EE E9 E6 E6 00 C0 01 01 00 03 01 01 20 07 00 FF 03 00 96 5A 7E";

TEST(SimConformanceTest, production_frames_get_the_captured_answers) {
  SimProcess sim({});
  RawClient c(sim.port());
  ASSERT_TRUE(c.send(hex(kProductionSnrm)));
  auto ua = c.read_frame();
  ASSERT_TRUE(ua);
  EXPECT_EQ(ua->type(), hdlc::FrameType::ua);
  EXPECT_EQ(dlms::to_hex(c.raw()).substr(0, 23), "7E A0 1E 03 03 73 40 CC");
  ASSERT_TRUE(c.send(hex(kAarq)));
  auto aare = c.read_frame();
  ASSERT_TRUE(aare);
  auto decoded = cosem::decode_aare(dlms::Bytes(aare->info.begin() + 3, aare->info.end()));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->result, cosem::AssociationResult::accepted);
  EXPECT_EQ(aare->control, 0x30);
  ASSERT_TRUE(c.send(hex(kGet3)));
  auto r = c.read_frame();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->control, 0x52);
  EXPECT_EQ(dlms::to_hex(r->info), "E6 E7 00 C4 01 01 00 02 02 0F FE 16 23");
  auto meter = sim.get("/api/v1/meters/1");
  EXPECT_EQ(meter["associated"], true);
  EXPECT_EQ(meter["stats"]["get_requests"], 1);
}

TEST(SimConformanceTest, codec_client_reads_every_register_and_releases) {
  SimProcess sim({"--profile", "generic"});
  RawClient tcp(sim.port());
  DlmsTestClient c(tcp_pipe(tcp), {.server = {1, 1, 4}, .client_sap = 16, .password = std::nullopt});
  ASSERT_TRUE(c.connect());
  ASSERT_TRUE(std::holds_alternative<cosem::Associated>(c.associate()));
  auto v = c.get(3, "1-0:32.7.0", 2);
  ASSERT_TRUE(v);
  EXPECT_NEAR(*cosem::scaled_value(std::get<cosem::Value>(*v), -2), 230, 10);
  auto list = c.get(15, "0-0:40.0.0", 2);
  ASSERT_TRUE(list);
  EXPECT_GT(std::get<cosem::Value>(*list).get_if<cosem::Array>()->items.size(), 10U);
  EXPECT_TRUE(c.release());
  EXPECT_TRUE(c.disconnect());
}

TEST(SimConformanceTest, busy_meter_rejects_a_second_association_until_disc) {
  SimProcess sim({});
  RawClient t1(sim.port()), t2(sim.port());
  DlmsTestClient a(tcp_pipe(t1), {}), b(tcp_pipe(t2), {});
  ASSERT_TRUE(a.connect());
  ASSERT_TRUE(std::holds_alternative<cosem::Associated>(a.associate()));
  ASSERT_TRUE(b.connect());
  EXPECT_TRUE(std::holds_alternative<cosem::ClientFailed>(b.associate()));
  EXPECT_EQ(sim.get("/api/v1/meters/1")["stats"]["rejected_busy"], 1);
  ASSERT_TRUE(a.disconnect());
  RawClient t3(sim.port());
  DlmsTestClient b2(tcp_pipe(t3), {});
  ASSERT_TRUE(b2.connect());
  EXPECT_TRUE(std::holds_alternative<cosem::Associated>(b2.associate()));
}

TEST(SimConformanceTest, forced_rejections_and_7e_values_over_tcp) {
  SimProcess sim({"--meters", "3"});
  sim.post("/api/v1/meters/1/faults", R"({"reject_association":"auth"})");
  sim.post("/api/v1/meters/2/faults", R"({"value_7e":true})");
  {
    RawClient t(sim.port());
    DlmsTestClient c(tcp_pipe(t), {.server = {1, 1, 4}});
    ASSERT_TRUE(c.connect());
    auto r = c.associate();
    ASSERT_TRUE(std::holds_alternative<cosem::ClientFailed>(r));
    EXPECT_EQ(std::get<cosem::ClientFailed>(r).diagnostic, cosem::diagnostic::kAuthenticationFailure);
  }
  RawClient t(sim.port());
  DlmsTestClient c(tcp_pipe(t), {.server = {1, 2, 4}});
  ASSERT_TRUE(c.connect());
  ASSERT_TRUE(std::holds_alternative<cosem::Associated>(c.associate()));
  for (int i = 0; i < 3; ++i) {
    auto v = c.get(3, "1-1:32.7.0", 2);
    ASSERT_TRUE(v);
    EXPECT_EQ(*std::get<cosem::Value>(*v).get_if<std::uint32_t>() & 0xFF, 0x7EU);
  }
  EXPECT_EQ(sim.count(1, "reject_auth"), 1U);
  EXPECT_EQ(sim.count(2, "value_7e"), 3U);
}

TEST(SimConformanceTest, wrapper_transport_over_tcp) {
  SimProcess sim({"--transport", "wrapper", "--meters", "2"});
  RawClient t(sim.port());
  DlmsTestClient c(tcp_pipe(t), {.wrapper = true, .client_sap = 1, .wrapper_destination = 2});
  ASSERT_TRUE(std::holds_alternative<cosem::Associated>(c.associate()));
  auto serial = c.get(1, "1-0:0.0.0", 2);
  ASSERT_TRUE(serial);
  EXPECT_EQ(std::get<cosem::Value>(*serial).get_if<cosem::VisibleString>()->text, "000019000002");
}

TEST(SimConformanceTest, fleet_of_1000_meters_on_one_port_answers_each_with_its_own_values) {
  SimProcess sim({"--meters", "1000"});
  std::set<std::string> serials;
  std::set<std::uint32_t> voltages;
  for (std::uint16_t k = 1; k <= 1000; k += 37) {
    RawClient t(sim.port());
    // Above 127 meters, addresses need the 4-byte form (14-bit physical address).
    DlmsTestClient c(tcp_pipe(t), {.server = {1, k, 4}, .client_sap = 16, .password = std::nullopt});
    ASSERT_TRUE(c.connect()) << k;
    ASSERT_TRUE(std::holds_alternative<cosem::Associated>(c.associate())) << k;
    auto serial = c.get(1, "1-0:0.0.0", 2);
    ASSERT_TRUE(serial) << k;
    auto text = std::get<cosem::Value>(*serial).get_if<cosem::VisibleString>()->text;
    EXPECT_EQ(text.substr(text.size() - 4),
              (k < 1000 ? std::string(4 - std::to_string(k).size(), '0') : "") + std::to_string(k))
        << k;
    serials.insert(text);
    auto v = c.get(3, "1-1:32.7.0", 2);
    ASSERT_TRUE(v) << k;
    voltages.insert(*std::get<cosem::Value>(*v).get_if<std::uint32_t>());
    EXPECT_TRUE(c.disconnect());
  }
  EXPECT_EQ(serials.size(), 28U);
  EXPECT_GT(voltages.size(), 20U);
  auto meter = sim.get("/api/v1/meters/38");
  EXPECT_EQ(meter["stats"]["associations"], 1);
  EXPECT_EQ(sim.get("/api/v1/meters/2")["stats"]["connections"], 0);
}

TEST(SimConformanceTest, many_concurrent_connections_to_the_shared_port) {
  SimProcess sim({"--meters", "200"});
  std::vector<std::unique_ptr<RawClient>> clients;
  for (std::uint16_t k = 1; k <= 200; ++k) {
    clients.push_back(std::make_unique<RawClient>(sim.port()));
    ASSERT_TRUE(clients.back()->send(snrm(1, k, 4)));
  }
  for (std::uint16_t k = 1; k <= 200; ++k) {
    auto ua = clients[k - 1]->read_frame();
    ASSERT_TRUE(ua) << k;
    EXPECT_EQ(ua->type(), hdlc::FrameType::ua);
    EXPECT_EQ(*hdlc::decode_server_address(ua->source), (hdlc::ServerAddress{1, k, 4}));
  }
  int open = 0;
  auto meters = sim.get("/api/v1/meters");
  for (const auto& m : meters["meters"]) open += m["open_connections"].get<int>();
  EXPECT_EQ(open, 200);
}

}  // namespace

namespace {

TEST(SimConformanceTest, idle_link_is_dropped_and_the_association_slot_freed) {
  SimProcess sim({"--idle-timeout", "0.3"});
  RawClient t(sim.port());
  DlmsTestClient c(tcp_pipe(t), {});
  ASSERT_TRUE(c.connect());
  ASSERT_TRUE(std::holds_alternative<cosem::Associated>(c.associate()));
  EXPECT_TRUE(testing_support::wait_until([&] { return sim.get("/api/v1/meters/1")["associated"] == false; }, 5s));
  EXPECT_EQ(sim.get("/api/v1/meters/1")["stats"]["idle_timeouts"], 1);
  // The link is gone: the next GET is answered with DM, as the field meter does after 180 s.
  auto get = c.get(3, "1-1:32.7.0", 2);
  EXPECT_FALSE(get);
  EXPECT_TRUE(c.link_failed());
  EXPECT_NE(c.link_failure().find("DM"), std::string::npos) << c.link_failure();
}

}  // namespace
