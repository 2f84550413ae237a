// A failed load-profile read says why, on a real association with dlms-meter-sim: the backfill
// decorator (backfill_connection_factory over the production DLMS connection and ProfileBackfill)
// turns a profile read that lost the connection into a `closed` failure of the read it preceded,
// one that got no answer into `timeout`, and a profile the meter does not have into a counted
// `access_denied` that leaves the association and the register read alone. Before, every
// failure that broke the association was reported as `timeout`.
#include <gtest/gtest.h>

#include <thread>

#include "backfill_connection.h"
#include "bridge/prometheus/profile_metrics.h"
#include "profile_backfill.h"
#include "run_coro.h"
#include "sim_process.h"

namespace {

using namespace std::chrono_literals;
using bridge::labels::PollFailure;
using bridge::labels::to_label;
using bridge::transport::test::run_coro;
using poller_it::SimProcess;
namespace app = bridge::app;
namespace asio = boost::asio;
namespace config = bridge::config;
namespace poller = bridge::poller;

constexpr const char* kProfile = "1-0:99.1.0";

config::MeterConfig sim_meter(int port, const std::string& profile_obis) {
  config::MeterConfig m;
  m.id = "m1";
  m.device_name = "m1";
  m.host = "127.0.0.1";
  m.port = static_cast<std::uint16_t>(port);
  m.client_sap = 1;
  m.server_logical = 1;
  m.server_physical = 1;
  m.address_size = 2;
  m.auth = config::Auth::low;
  m.password = config::Secret("22222222");
  m.registers = config::default_registers();
  m.qos.request_timeout = 700ms;
  m.qos.connect_timeout = 2s;
  m.qos.disc_timeout = 300ms;
  config::ProfileConfig p;
  p.obis = *config::parse_obis(profile_obis);
  p.backfill = 2h;
  m.profiles = {p};
  return m;
}

class BackfillFailure : public ::testing::Test {
 protected:
  // Associates with the simulator's meter 1; the profile read is then due before the next read.
  std::unique_ptr<poller::MeterConnection> associate(const config::MeterConfig& meter) {
    poller::Credential credential;
    credential.client_sap = 1;
    credential.auth = config::Auth::low;
    credential.password = "22222222";
    auto connection = factory(io.get_executor(), meter, credential, {});
    auto opened = run_coro(io, connection->open());
    EXPECT_TRUE(opened) << (opened ? "" : opened.error().message) << "\n" << sim.log();
    return connection;
  }
  bridge::Result<poller::ReadValue, poller::ConnectionError> read_register(poller::MeterConnection& connection,
                                                                        const config::MeterConfig& meter) {
    return run_coro(io, connection.read(meter.registers.front()));
  }
  std::uint64_t failures(PollFailure reason) const { return metrics.read_failures("m1", kProfile, reason); }

  SimProcess sim{{"--meters", "1"}};
  asio::io_context io{1};
  bridge::prometheus::ProfileMetrics metrics;
  app::ProfileMarks marks;
  std::size_t rows_sunk = 0;
  app::ProfileBackfill reader{marks, [this](bridge::mqtt::ProfileRows rows) { rows_sunk += rows.rows.size(); },
                              &metrics};
  poller::ConnectionFactory factory = app::backfill_connection_factory(reader);
};

TEST_F(BackfillFailure, a_healthy_profile_read_hands_rows_over_and_counts_no_failure) {
  const auto meter = sim_meter(sim.port(), kProfile);
  auto connection = associate(meter);
  auto value = read_register(*connection, meter);
  ASSERT_TRUE(value) << value.error().message;
  EXPECT_GE(rows_sunk, 7u) << "two hours of quarter hours";
  for (auto reason : bridge::labels::kProfileReadFailures) EXPECT_EQ(failures(reason), 0u);
  run_coro(io, connection->close());
}

TEST_F(BackfillFailure, a_profile_read_that_loses_the_connection_fails_the_read_as_closed) {
  const auto meter = sim_meter(sim.port(), kProfile);
  auto connection = associate(meter);
  sim.faults(1, {{"disconnect", 1.0}});  // every frame from now on: the meter closes the connection
  auto value = read_register(*connection, meter);
  ASSERT_FALSE(value);
  EXPECT_EQ(to_label(value.error().reason), "closed") << value.error().message;
  EXPECT_TRUE(value.error().fatal);
  EXPECT_NE(value.error().message.find("load-profile read of 1-0:99.1.0 failed"), std::string::npos)
      << value.error().message;
  EXPECT_EQ(failures(PollFailure::closed), 1u);
  EXPECT_EQ(failures(PollFailure::timeout), 0u);
  EXPECT_EQ(rows_sunk, 0u);
}

TEST_F(BackfillFailure, a_profile_read_the_meter_never_answers_fails_the_read_as_timeout) {
  const auto meter = sim_meter(sim.port(), kProfile);
  auto connection = associate(meter);
  sim.faults(1, {{"silent", true}});
  auto value = read_register(*connection, meter);
  ASSERT_FALSE(value);
  EXPECT_EQ(to_label(value.error().reason), "timeout") << value.error().message;
  EXPECT_EQ(value.error().hdlc, bridge::labels::HdlcError::timeout) << "counted as an HDLC timeout like any request";
  EXPECT_EQ(failures(PollFailure::timeout), 1u);
  EXPECT_EQ(failures(PollFailure::closed), 0u);
}

TEST_F(BackfillFailure, a_profile_the_meter_does_not_have_is_counted_as_access_denied_and_the_register_is_still_read) {
  const auto meter = sim_meter(sim.port(), "1-0:99.2.0");  // not on the simulator: object-undefined
  auto connection = associate(meter);
  auto value = read_register(*connection, meter);
  ASSERT_TRUE(value) << value.error().message;
  EXPECT_TRUE(connection->is_open());
  EXPECT_EQ(metrics.read_failures("m1", "1-0:99.2.0", PollFailure::access_denied), 1u);
  EXPECT_EQ(metrics.read_failures("m1", "1-0:99.2.0", PollFailure::timeout), 0u);
  EXPECT_EQ(rows_sunk, 0u);
  run_coro(io, connection->close());
}

// A profile that broke the association is not read again right after the reconnect (it would
// break that one too, and the meter's registers would never be read) but one interval later.
TEST_F(BackfillFailure, a_profile_read_that_broke_the_association_waits_its_interval_across_reconnects) {
  auto meter = sim_meter(sim.port(), kProfile);
  meter.profiles.front().interval = 1500ms;
  {
    auto connection = associate(meter);
    sim.faults(1, {{"disconnect", 1.0}});
    ASSERT_FALSE(read_register(*connection, meter));
    EXPECT_EQ(failures(PollFailure::closed), 1u);
  }
  sim.faults(1, {{"disconnect", 0.0}});
  {
    // The session reconnects at once: registers are read, the profile is left alone.
    auto connection = associate(meter);
    auto value = read_register(*connection, meter);
    ASSERT_TRUE(value) << value.error().message;
    EXPECT_EQ(rows_sunk, 0u) << "the profile was read again right after the reconnect";
    run_coro(io, connection->close());
  }
  std::this_thread::sleep_for(1600ms);
  {
    // One interval after the failure, the next association reads the profile again.
    auto connection = associate(meter);
    auto value = read_register(*connection, meter);
    ASSERT_TRUE(value) << value.error().message;
    EXPECT_GE(rows_sunk, 7u);
    run_coro(io, connection->close());
  }
  EXPECT_EQ(failures(PollFailure::closed), 1u);
}

// Malformed data cannot be served by the simulator: the mapping of the transport's errors
// into the outcome, as ProfileBackfill makes it.
TEST(ProfileReadFailed, keeps_the_transports_reason_and_whether_the_association_survived) {
  using bridge::transport::ErrorKind;
  using bridge::transport::Step;
  auto malformed = bridge::transport::make_error(ErrorKind::protocol, Step::request, "protocol error: buffer");
  auto out = app::profile_read_failed(malformed, 3);
  EXPECT_EQ(out.reason, PollFailure::protocol);
  EXPECT_TRUE(out.link_broken);
  EXPECT_EQ(out.rows, 3u);
  EXPECT_EQ(out.error, "protocol error: buffer");
  auto denied = bridge::transport::make_error(ErrorKind::access_denied, Step::request, "access denied");
  EXPECT_EQ(app::profile_read_failed(denied, 0).reason, PollFailure::access_denied);
  EXPECT_FALSE(app::profile_read_failed(denied, 0).link_broken);
  auto busy = bridge::transport::make_error(ErrorKind::busy, Step::request, "DM");
  EXPECT_EQ(app::profile_read_failed(busy, 0).reason, PollFailure::protocol) << "kept inside kProfileReadFailures";
}

}  // namespace
