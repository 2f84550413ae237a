// ServerSession without sockets: HDLC link answers, addressing and fleet binding, and the
// protocol-level faults (silence, refuse on a shared port, random disconnect).
#include "sim/server_session.h"

#include <gtest/gtest.h>

#include "dlms/hdlc/address.h"
#include "dlms/hdlc/control.h"
#include "session_helpers.h"
#include "sim/fleet.h"

namespace {

using namespace sim_test;
namespace hdlc = dlms::hdlc;

// docs/protocol.md 1.14 / 1.6: production SNRM and the meter's UA (1-byte max-info values).
const char* kSnrm = "7E A0 07 03 03 93 8C 11 7E";
const char* kUaHeader = "7E A0 1E 03 03 73 40 CC";
const char* kDisc = "7E A0 07 03 03 53 80 D7 7E";

Bytes snrm_to(std::uint16_t logical, std::uint16_t physical, std::uint8_t size, std::uint8_t client_sap = 1) {
  hdlc::Frame f;
  f.destination = *hdlc::encode_server_address({logical, physical, size});
  f.source = *hdlc::encode_client_address(client_sap);
  f.control = hdlc::control::snrm();
  return *hdlc::encode(f);
}

struct SessionTest : ::testing::Test {
  sim::Fleet fleet{200, sim::make_profile(sim::ProfileKind::microstar), 1, t0()};
};

TEST_F(SessionTest, production_snrm_gets_the_microstar_ua) {
  sim::ServerSession s(fleet, sim::Transport::hdlc, fleet.find(1), false, t0());
  ASSERT_TRUE(s.accept());
  SessionDriver d{s};
  auto out = d.send(hex(kSnrm));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(dlms::to_hex(out[0].bytes).rfind(kUaHeader, 0), 0U) << dlms::to_hex(out[0].bytes);
  auto ua = SessionDriver::frame(out[0]);
  EXPECT_EQ(dlms::to_hex(ua.info), "81 80 12 05 01 80 06 01 80 07 04 00 00 00 01 08 04 00 00 00 01");
  EXPECT_TRUE(out[0].hdlc_frame);
  auto disc = d.send(hex(kDisc));
  ASSERT_EQ(disc.size(), 1U);
  EXPECT_EQ(SessionDriver::frame(disc[0]).type(), hdlc::FrameType::ua);
  // A second DISC finds the link down: DM.
  auto again = d.send(hex(kDisc));
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(SessionDriver::frame(again[0]).type(), hdlc::FrameType::dm);
  EXPECT_EQ(fleet.find(1)->stats().dm_sent, 1U);
}

TEST_F(SessionTest, generic_ua_uses_two_byte_parameters_and_rejects_one_byte_address) {
  sim::Fleet generic(1, sim::make_profile(sim::ProfileKind::generic), 1, t0());
  sim::ServerSession s(generic, sim::Transport::hdlc, generic.find(1), false, t0());
  ASSERT_TRUE(s.accept());
  SessionDriver d{s};
  auto dm = d.send(hex(kSnrm));
  ASSERT_EQ(dm.size(), 1U);
  EXPECT_EQ(SessionDriver::frame(dm[0]).type(), hdlc::FrameType::dm);
  auto ua = d.send(snrm_to(1, 1, 4, 16));
  ASSERT_EQ(ua.size(), 1U);
  EXPECT_EQ(dlms::to_hex(SessionDriver::frame(ua[0]).info),
            "81 80 14 05 02 00 80 06 02 00 80 07 04 00 00 00 01 08 04 00 00 00 01");
}

TEST_F(SessionTest, shared_port_binds_the_meter_named_by_the_physical_address) {
  sim::ServerSession s(fleet, sim::Transport::hdlc, nullptr, true, t0());
  ASSERT_TRUE(s.accept());
  SessionDriver d{s};
  auto out = d.send(snrm_to(1, 150, 4));
  ASSERT_EQ(out.size(), 1U);
  auto ua = SessionDriver::frame(out[0]);
  EXPECT_EQ(ua.type(), hdlc::FrameType::ua);
  EXPECT_EQ(dlms::to_hex(ua.source.bytes()), dlms::to_hex(hdlc::encode_server_address({1, 150, 4})->bytes()));
  ASSERT_NE(s.meter(), nullptr);
  EXPECT_EQ(s.meter()->id(), 150U);
  EXPECT_EQ(fleet.find(150)->open_connections, 1U);
  // Once bound, another meter's address is not answered by this connection.
  auto other = d.send(snrm_to(1, 151, 4));
  ASSERT_EQ(other.size(), 1U);
  EXPECT_EQ(SessionDriver::frame(other[0]).type(), hdlc::FrameType::dm);
  s.release();
  EXPECT_EQ(fleet.find(150)->open_connections, 0U);
}

TEST_F(SessionTest, unknown_address_gets_dm_and_leaves_the_connection_unbound) {
  sim::ServerSession s(fleet, sim::Transport::hdlc, nullptr, true, t0());
  SessionDriver d{s};
  auto out = d.send(snrm_to(1, 999, 4));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(SessionDriver::frame(out[0]).type(), hdlc::FrameType::dm);
  EXPECT_EQ(s.meter(), nullptr);
  auto ok = d.send(snrm_to(0, 7, 1));  // 1-byte address 0F = meter 7 on the Microstar
  ASSERT_EQ(ok.size(), 1U);
  EXPECT_EQ(SessionDriver::frame(ok[0]).type(), hdlc::FrameType::ua);
  EXPECT_EQ(s.meter()->id(), 7U);
}

TEST_F(SessionTest, bad_fcs_is_ignored_and_counted) {
  sim::ServerSession s(fleet, sim::Transport::hdlc, fleet.find(1), false, t0());
  ASSERT_TRUE(s.accept());
  SessionDriver d{s};
  auto corrupted = hex(kSnrm);
  corrupted[6] ^= 0x01;
  EXPECT_TRUE(d.send(corrupted).empty());
  EXPECT_EQ(fleet.find(1)->stats().bad_frames, 1U);
  EXPECT_EQ(d.send(hex(kSnrm)).size(), 1U);
}

TEST_F(SessionTest, undefined_control_field_gets_frmr) {
  sim::ServerSession s(fleet, sim::Transport::hdlc, fleet.find(1), false, t0());
  ASSERT_TRUE(s.accept());
  SessionDriver d{s};
  ASSERT_EQ(d.send(hex(kSnrm)).size(), 1U);
  hdlc::Frame bad;
  bad.destination = *hdlc::encode_server_address({0, 1, 1});
  bad.source = *hdlc::encode_client_address(1);
  bad.control = 0x19;  // REJ-like S-frame, not used by 62056-46
  auto out = d.send(*hdlc::encode(bad));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(SessionDriver::frame(out[0]).type(), hdlc::FrameType::frmr);
  EXPECT_EQ(fleet.find(1)->stats().frmr_sent, 1U);
}

TEST_F(SessionTest, silent_meter_swallows_frames_and_counts_them) {
  fleet.find(1)->faults().silent = true;
  sim::ServerSession s(fleet, sim::Transport::hdlc, fleet.find(1), false, t0());
  ASSERT_TRUE(s.accept());
  SessionDriver d{s};
  EXPECT_TRUE(d.send(hex(kSnrm)).empty());
  EXPECT_TRUE(d.send(hex(kSnrm)).empty());
  EXPECT_EQ(fleet.find(1)->counts().get(sim::FaultKind::silent), 2U);
  fleet.find(1)->reset();
  EXPECT_EQ(d.send(hex(kSnrm)).size(), 1U);
}

TEST_F(SessionTest, silent_after_n_requests) {
  fleet.find(1)->faults().silent_after = 2;
  sim::ServerSession s(fleet, sim::Transport::hdlc, fleet.find(1), false, t0());
  ASSERT_TRUE(s.accept());
  SessionDriver d{s};
  EXPECT_EQ(d.send(hex(kSnrm)).size(), 1U);
  EXPECT_EQ(d.send(hex(kSnrm)).size(), 1U);
  EXPECT_TRUE(d.send(hex(kSnrm)).empty());
  EXPECT_EQ(fleet.find(1)->counts().get(sim::FaultKind::silent_after), 1U);
  EXPECT_EQ(fleet.find(1)->counts().get(sim::FaultKind::silent), 1U);
}

TEST_F(SessionTest, refuse_on_shared_port_closes_after_the_first_frame_for_that_meter) {
  fleet.find(5)->faults().refuse = true;
  sim::ServerSession s(fleet, sim::Transport::hdlc, nullptr, true, t0());
  ASSERT_TRUE(s.accept());
  SessionDriver d{s};
  EXPECT_TRUE(d.send(snrm_to(1, 5, 4)).empty());
  EXPECT_TRUE(s.should_close());
  EXPECT_TRUE(s.close_now());
  EXPECT_EQ(fleet.find(5)->counts().get(sim::FaultKind::refuse), 1U);
  EXPECT_EQ(fleet.find(5)->stats().connections, 0U);
}

TEST_F(SessionTest, close_on_accept_on_own_port) {
  fleet.find(1)->faults().close_on_accept = true;
  sim::ServerSession s(fleet, sim::Transport::hdlc, fleet.find(1), false, t0());
  EXPECT_FALSE(s.accept());
  EXPECT_EQ(fleet.find(1)->counts().get(sim::FaultKind::close_on_accept), 1U);
}

TEST_F(SessionTest, random_disconnect_with_probability_one_closes_on_the_first_request) {
  fleet.find(1)->faults().disconnect = 1.0;
  sim::ServerSession s(fleet, sim::Transport::hdlc, fleet.find(1), false, t0());
  ASSERT_TRUE(s.accept());
  SessionDriver d{s};
  EXPECT_TRUE(d.send(hex(kSnrm)).empty());
  EXPECT_TRUE(s.close_now());
  EXPECT_EQ(fleet.find(1)->counts().get(sim::FaultKind::disconnect), 1U);
}

TEST_F(SessionTest, inactivity_timeout_drops_the_link) {
  sim::ServerSession s(fleet, sim::Transport::hdlc, fleet.find(1), false, t0());
  ASSERT_TRUE(s.accept());
  SessionDriver d{s};
  ASSERT_EQ(d.send(hex(kSnrm)).size(), 1U);
  auto deadline = s.poll_timeout();
  ASSERT_TRUE(deadline);
  EXPECT_EQ(*deadline - t0(), std::chrono::seconds(180));
  s.handle_timeout(*deadline);
  EXPECT_EQ(fleet.find(1)->stats().idle_timeouts, 1U);
  auto dm = d.send(hex(kDisc));
  ASSERT_EQ(dm.size(), 1U);
  EXPECT_EQ(SessionDriver::frame(dm[0]).type(), hdlc::FrameType::dm);
}

}  // namespace
