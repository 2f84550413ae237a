// Reconnects are counted under the cause that made them (meter_reconnects_total{cause}): the
// keep-alive read of an idle association, and a reload that changed the connection settings.
#include <gtest/gtest.h>

#include "fleet_fixture.h"

namespace bridge::poller {
namespace {

using namespace std::chrono_literals;
using labels::PollFailure;
using labels::ReconnectCause;
using testing::error;
using testing::fast_qos;
using testing::FleetTest;
using testing::make_config;

TEST_F(FleetTest, a_failed_keepalive_on_an_idle_association_reconnects_with_cause_idle) {
  auto q = fast_qos();
  q.poll_interval = 500ms;  // long idle gaps between polls ...
  q.keepalive_idle = 60ms;  // ... filled with keep-alive reads
  auto& m = meters.meter("m1");
  bool failing = false;
  m.on_read = [&](const config::RegisterConfig&) -> Result<ReadValue, ConnectionError> {
    if (failing) return fail(error(PollFailure::closed, "peer closed"));
    return ReadValue{};
  };
  start(make_config(1, q));
  ASSERT_TRUE(run_until([&] { return readings.count["m1"] >= 1 && st("m1").counters.keepalives >= 2; }));
  auto* mm = metrics.meter("m1");
  ASSERT_NE(mm, nullptr);
  EXPECT_EQ(mm->reconnect(ReconnectCause::idle).Value(), 0);
  failing = true;  // the next read is a keep-alive: the poll is 500 ms away
  ASSERT_TRUE(run_until([&] { return mm->reconnect(ReconnectCause::idle).Value() >= 1; }))
      << "error=" << mm->reconnect(ReconnectCause::error).Value();
}

TEST_F(FleetTest, a_reload_that_changes_the_connection_reconnects_with_cause_config_reload) {
  auto c = make_config(1);
  start(c);
  ASSERT_TRUE(run_until([&] { return readings.count["m1"] >= 1; }));
  auto* mm = metrics.meter("m1");
  ASSERT_NE(mm, nullptr);
  c.meters[0].host = "127.0.0.2";
  fleet->apply(c);
  ASSERT_TRUE(run_until([&] { return meters.meter("m1").hosts.size() >= 2; }));
  EXPECT_EQ(meters.meter("m1").hosts.back(), "127.0.0.2");
  EXPECT_EQ(mm->reconnect(ReconnectCause::config_reload).Value(), 1);
  EXPECT_EQ(mm->reconnect(ReconnectCause::error).Value(), 0);
}

}  // namespace
}  // namespace bridge::poller
