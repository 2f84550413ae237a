// DlmsConnection end to end against the in-test meter (codec server-role Link + MeterModel):
// association, scaling, scaler cache per association, access errors, rejected LLS, stale
// invoke-ids, object list with block transfer, drain on connect, wrapper transport, cancel.
#include "bridge/transport/connection.h"

#include <gtest/gtest.h>

#include "meter_model.h"
#include "run_coro.h"

namespace {

using namespace std::chrono_literals;
using bridge::transport::DlmsConnection;
using bridge::transport::ErrorKind;
using bridge::transport::LogicalName;
using bridge::transport::MeterEndpoint;
using bridge::transport::Step;
using bridge::transport::Timeouts;
using bridge::transport::test::MeterModel;
using bridge::transport::test::run_coro;
using bridge::transport::test::ScriptedMeter;
namespace asio = boost::asio;

constexpr LogicalName kVoltage{1, 1, 32, 7, 0, 255};
constexpr LogicalName kCurrent{1, 1, 31, 7, 0, 255};
constexpr LogicalName kEnergy{1, 1, 1, 8, 0, 255};
constexpr LogicalName kPower{1, 1, 1, 7, 0, 255};
constexpr LogicalName kMissing{1, 1, 99, 7, 0, 255};

struct Fixture {
  explicit Fixture(MeterEndpoint::Kind kind = MeterEndpoint::Kind::hdlc) {
    endpoint.kind = kind;
    meter.emplace(io, dlms::hdlc::ServerAddress{0, 1, 1}, std::ref(model), kind == MeterEndpoint::Kind::wrapper);
    endpoint.host = "127.0.0.1";
    endpoint.port = meter->port();
    timeouts.request = 500ms;
    timeouts.drain_on_connect = 20ms;
  }
  DlmsConnection& connection() {
    if (!conn) conn.emplace(io.get_executor(), endpoint, timeouts);
    return *conn;
  }

  asio::io_context io;
  MeterModel model;
  std::optional<ScriptedMeter> meter;
  MeterEndpoint endpoint;
  Timeouts timeouts;
  std::optional<DlmsConnection> conn;
};

TEST(DlmsConnectionTest, reads_scaled_registers_and_reads_scaler_unit_once_per_association) {
  Fixture f;
  auto& c = f.connection();
  auto opened = run_coro(f.io, c.open());
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_TRUE(c.is_open());
  for (int round = 0; round < 3; ++round) {
    auto v = run_coro(f.io, c.read_register(kVoltage));
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_TRUE(v->numeric);
    EXPECT_DOUBLE_EQ(v->value, 135.19);
    EXPECT_EQ(v->raw, 13519);
    EXPECT_EQ(v->scaler, -2);
    EXPECT_EQ(v->unit, 35);
    EXPECT_EQ(v->obis, "1-1:32.7.0");
    auto p = run_coro(f.io, c.read_register(kPower));
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_DOUBLE_EQ(p->value, 0.5);
  }
  EXPECT_EQ(f.model.scaler_reads, 2);  // once per register, not once per read
  EXPECT_EQ(f.model.gets, 2 + 6);
  EXPECT_EQ(c.stats().requests, 8u);

  // A new association re-reads scaler_unit (a meter may be reconfigured between sessions).
  run_coro(f.io, c.close());
  EXPECT_FALSE(c.is_open());
}

TEST(DlmsConnectionTest, scaler_cache_is_per_association) {
  Fixture f;
  {
    auto& c = f.connection();
    ASSERT_TRUE(run_coro(f.io, c.open()));
    ASSERT_TRUE(run_coro(f.io, c.read_register(kCurrent)));
    ASSERT_TRUE(run_coro(f.io, c.read_register(kCurrent)));
    run_coro(f.io, c.close());
    EXPECT_TRUE(f.meter->saw_disc);
  }
  EXPECT_EQ(f.model.scaler_reads, 1);
  // The in-test meter serves one TCP session; a second one on a fresh meter shows the reset.
  Fixture g;
  auto& c = g.connection();
  ASSERT_TRUE(run_coro(g.io, c.open()));
  auto r = run_coro(g.io, c.read_register(kCurrent));
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->value, 1.326);
  EXPECT_EQ(g.model.scaler_reads, 1);
}

TEST(DlmsConnectionTest, wrong_password_is_association_rejected_with_diagnostic_13) {
  Fixture f;
  f.endpoint.password = "00000000";
  auto& c = f.connection();
  auto r = run_coro(f.io, c.open());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::association_rejected);
  EXPECT_EQ(r.error().step, Step::associate);
  EXPECT_EQ(r.error().diagnostic, 13);
  EXPECT_EQ(r.error().message, "association rejected: authentication failure (diagnostic 13)");
  EXPECT_FALSE(c.is_open());
  EXPECT_TRUE(f.meter->saw_disc);  // the link is released even after a rejected association
}

TEST(DlmsConnectionTest, a_transient_rejection_is_busy_not_a_wrong_password) {
  Fixture f;
  f.model.busy = true;
  auto& c = f.connection();
  auto r = run_coro(f.io, c.open());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::busy);
  EXPECT_EQ(to_poll_failure(r.error()), bridge::labels::PollFailure::busy);
  EXPECT_NE(r.error().message.find("busy"), std::string::npos) << r.error().message;
}

TEST(DlmsConnectionTest, an_access_error_fails_one_read_but_keeps_the_association) {
  Fixture f;
  auto& c = f.connection();
  ASSERT_TRUE(run_coro(f.io, c.open()));
  auto bad = run_coro(f.io, c.read_register(kMissing));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::access_denied);
  EXPECT_FALSE(bad.error().fatal());
  EXPECT_EQ(bad.error().access_result, 4);
  EXPECT_NE(bad.error().message.find("object undefined"), std::string::npos) << bad.error().message;
  EXPECT_TRUE(c.is_open());
  auto good = run_coro(f.io, c.read_register(kEnergy));
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_DOUBLE_EQ(good->value, 56281);
}

TEST(DlmsConnectionTest, object_list_is_read_with_block_transfer) {
  Fixture f;
  auto& c = f.connection();
  ASSERT_TRUE(run_coro(f.io, c.open()));
  auto list = run_coro(f.io, c.object_list());
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), f.model.registers.size());
  EXPECT_GT(f.model.pending_blocks.size(), 1u);  // it really took several blocks
  bool found = false;
  for (const auto& e : *list) {
    EXPECT_EQ(e.class_id, 3);
    if (e.ln == kVoltage) found = true;
  }
  EXPECT_TRUE(found);
}

TEST(DlmsConnectionTest, unsolicited_bytes_after_connect_are_drained) {
  Fixture f;
  f.meter->greeting = {0x7E, 0xA0, 0x07, 0x03, 0x03, 0x73, 0x00, 0x00, 0x7E, 0x55};  // a late UA + junk
  auto& c = f.connection();
  auto r = run_coro(f.io, c.open());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(c.stats().drained_bytes, f.meter->greeting.size());
  ASSERT_TRUE(run_coro(f.io, c.read_register(kVoltage)));
}

TEST(DlmsConnectionTest, wrapper_transport_reads_registers) {
  Fixture f(MeterEndpoint::Kind::wrapper);
  auto& c = f.connection();
  auto r = run_coro(f.io, c.open());
  ASSERT_TRUE(r) << r.error().message;
  auto v = run_coro(f.io, c.read_register(kVoltage));
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_DOUBLE_EQ(v->value, 135.19);
  run_coro(f.io, c.close());
}

TEST(DlmsConnectionTest, a_reply_with_a_stale_invoke_id_is_discarded) {
  Fixture f(MeterEndpoint::Kind::wrapper);
  auto& c = f.connection();
  ASSERT_TRUE(run_coro(f.io, c.open()));
  ASSERT_TRUE(run_coro(f.io, c.read_register(kVoltage)));
  f.model.stale_next = true;
  auto v = run_coro(f.io, c.read_register(kVoltage));
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->raw, 13519);  // not the stale 999
  EXPECT_EQ(c.stats().stale_discarded, 1u);
  EXPECT_TRUE(c.is_open());
}

TEST(DlmsConnectionTest, silent_meter_fails_the_request_at_its_deadline_and_ends_the_session) {
  Fixture f;
  f.timeouts.request = 300ms;
  auto& c = f.connection();
  ASSERT_TRUE(run_coro(f.io, c.open()));
  f.model.silent = true;
  const auto start = std::chrono::steady_clock::now();
  auto r = run_coro(f.io, c.read_register(kVoltage));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::timeout) << r.error().message;
  EXPECT_EQ(r.error().step, Step::request);
  EXPECT_NE(r.error().message.find("1-1:32.7.0"), std::string::npos) << r.error().message;
  EXPECT_GE(elapsed, 300ms);
  EXPECT_LT(elapsed, 10s);
  EXPECT_FALSE(c.is_open());  // state unknown after a timeout: the poller must reconnect
  run_coro(f.io, c.close());  // still sends DISC
  EXPECT_TRUE(f.meter->saw_disc);
}

TEST(DlmsConnectionTest, response_times_are_reported_and_a_changed_deadline_applies_to_the_next_request) {
  Fixture f;
  f.timeouts.request = 30s;
  int responses = 0;
  std::chrono::milliseconds longest{-1};
  bridge::transport::FrameObserver observer;
  observer.on_response_time = [&](std::chrono::milliseconds elapsed) {
    ++responses;
    longest = std::max(longest, elapsed);
  };
  DlmsConnection c(f.io.get_executor(), f.endpoint, f.timeouts, observer);
  ASSERT_TRUE(run_coro(f.io, c.open()));
  EXPECT_EQ(responses, 1);  // the AARE
  ASSERT_TRUE(run_coro(f.io, c.read_register(kVoltage)));
  EXPECT_EQ(responses, 3);  // scaler_unit and value
  EXPECT_GE(longest, 0ms);
  EXPECT_LT(longest, 30s);
  // The adaptive deadline: the silent meter is given up after the new deadline, not 30 s.
  c.set_request_timeout(250ms);
  EXPECT_EQ(c.request_timeout(), 250ms);
  f.model.silent = true;
  auto r = run_coro(f.io, c.read_register(kCurrent));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::timeout) << r.error().message;
  EXPECT_NE(r.error().message.find("within 250ms"), std::string::npos) << r.error().message;
  EXPECT_EQ(responses, 3);  // a timeout is no response
}

TEST(DlmsConnectionTest, cancel_ends_a_pending_request_as_cancelled) {
  Fixture f;
  f.timeouts.request = 5s;
  auto& c = f.connection();
  ASSERT_TRUE(run_coro(f.io, c.open()));
  f.model.silent = true;  // the meter stops answering
  asio::steady_timer t(f.io, 50ms);
  t.async_wait([&](const boost::system::error_code&) { c.cancel(); });
  const auto start = std::chrono::steady_clock::now();
  auto r = run_coro(f.io, c.read_register(kVoltage));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::cancelled) << r.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);  // well before the 5 s request deadline
}

TEST(DlmsConnectionTest, invalid_endpoint_is_rejected_before_connecting) {
  Fixture f;
  f.endpoint.server_logical = 1;
  f.endpoint.server_physical = 1;
  f.endpoint.address_size = 1;  // two non-zero values do not fit one byte
  auto& c = f.connection();
  auto r = run_coro(f.io, c.open());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::invalid_argument);
}

TEST(DlmsConnectionTest, set_writes_the_clock_and_a_refusal_is_an_access_error) {
  Fixture f;
  auto& c = f.connection();
  ASSERT_TRUE(run_coro(f.io, c.open()));
  const dlms::cosem::Value time = dlms::cosem::OctetString{dlms::Bytes{0x07, 0xD2, 0x0C, 0x04, 0x03, 0x0A, 0x06, 0x0B,
                                                                       0xFF, 0x00, 0x78, 0x00}};
  auto ok = run_coro(f.io, c.set({0, 0, 1, 0, 0, 255}, 8, 2, time));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(f.model.clock_written, time);
  auto refused = run_coro(f.io, c.set(kVoltage, 3, 2, dlms::cosem::Value{std::uint32_t{1}}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::access_denied);
  EXPECT_EQ(refused.error().access_result, 3);
  EXPECT_TRUE(c.is_open());  // the association stays usable
  run_coro(f.io, c.close());
}

// docs/protocol.md 1.18: extra bytes after a complete value are counted and reported, not fatal.
TEST(DlmsConnectionTest, trailing_bytes_after_a_value_are_a_counted_protocol_warning) {
  Fixture f;
  f.model.trailing_bytes = 2;
  std::vector<std::string> warnings;
  bridge::transport::FrameObserver observer;
  observer.on_protocol_warning = [&](const std::string& w) { warnings.push_back(w); };
  DlmsConnection c(f.io.get_executor(), f.endpoint, f.timeouts, observer);
  ASSERT_TRUE(run_coro(f.io, c.open()));
  auto v = run_coro(f.io, c.get(kEnergy, 3, 2));
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(*v, dlms::cosem::Value{std::uint32_t{56281}});
  EXPECT_EQ(c.stats().protocol_warnings, 1U);
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_NE(warnings[0].find("2 byte(s) after the complete value"), std::string::npos) << warnings[0];
  run_coro(f.io, c.close());
}

}  // namespace
