// The descriptors a config needs: one socket per enabled meter, one more per meter in MQTT device
// mode, the HTTP connection limit and a fixed reserve; and the refusal text when they do not fit.
#include "fd_budget.h"

#include <gtest/gtest.h>

namespace {

using bridge::app::fd_budget;
using bridge::app::fd_budget_problem;
using bridge::app::kFdReserve;

bridge::config::Config fleet(int enabled, int disabled) {
  bridge::config::Config cfg;
  cfg.http.max_connections = 100;
  for (int i = 0; i < enabled + disabled; ++i) {
    bridge::config::MeterConfig m;
    m.id = "m" + std::to_string(i);
    m.enabled = i < enabled;
    cfg.meters.push_back(m);
  }
  return cfg;
}

TEST(FdBudgetTest, one_socket_per_enabled_meter_plus_http_connections_and_the_reserve) {
  const auto b = fd_budget(fleet(10, 5));
  EXPECT_EQ(b.meter_sockets, 10u);
  EXPECT_EQ(b.mqtt_sockets, 0u);
  EXPECT_EQ(b.http_connections, 100u);
  EXPECT_EQ(b.total(), 10u + 100u + kFdReserve);
}

TEST(FdBudgetTest, mqtt_device_mode_holds_one_connection_per_meter) {
  auto cfg = fleet(10, 0);
  cfg.mqtt.mode = bridge::config::MqttMode::device;
  EXPECT_EQ(fd_budget(cfg).mqtt_sockets, 10u);
  cfg.mqtt.enabled = false;
  EXPECT_EQ(fd_budget(cfg).mqtt_sockets, 0u);
}

TEST(FdBudgetTest, fits_up_to_the_limit_and_names_numbers_and_remedies_beyond_it) {
  const auto b = fd_budget(fleet(10, 0));
  EXPECT_EQ(fd_budget_problem(b, b.total()), std::nullopt);
  const auto problem = fd_budget_problem(b, b.total() - 1);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(*problem,
            "10 meters need up to 174 open files (10 meter sockets, 100 HTTP connections ([http] max_connections), "
            "64 for the store, MQTT, logs and listeners), but the limit is 173: raise LimitNOFILE= in the systemd "
            "unit (or ulimit -n), lower [http] max_connections, or split the fleet over instances with [bridge] "
            "shard");
}

}  // namespace
