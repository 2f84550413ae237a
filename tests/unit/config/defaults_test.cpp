// Defaults are the documented numbers (docs/meters.md, docs/contract.md, production.example.toml).
#include <gtest/gtest.h>

#include "bridge/config/config.h"
#include "bridge/config/diff.h"
#include "test_util.h"

namespace {

using namespace std::chrono_literals;
using bridge::config::Duration;

// The smallest valid file: nothing but the explicit permission to have no meters.
constexpr const char* kNoMeters = "[bridge]\nallow_no_meters = true\n";

TEST(ConfigDefaultsTest, empty_file_gives_the_documented_fleet_defaults) {
  auto c = config_test::load_ok(kNoMeters);
  const auto& q = c.qos;
  EXPECT_EQ(q.poll_interval, 5s);
  EXPECT_EQ(q.request_timeout, 7s);
  EXPECT_EQ(q.connect_timeout, 7s);
  EXPECT_EQ(q.connect_attempts, 3u);
  EXPECT_EQ(q.backoff_initial, 2s);
  EXPECT_EQ(q.backoff_multiplier, 2.0);
  EXPECT_EQ(q.backoff_max, 5min);
  EXPECT_EQ(q.reconnect_settle, 1500ms);
  EXPECT_EQ(q.inter_attempt_wait, 10s);
  EXPECT_EQ(q.read_retries, 1u);
  EXPECT_EQ(q.read_retry_delay, 300ms);
  EXPECT_EQ(q.disc_timeout, 2s);
  EXPECT_EQ(q.drain_on_connect, 200ms);
  EXPECT_EQ(q.keepalive_idle, std::optional<Duration>(120s));
  EXPECT_EQ(q.breaker_max_reconnects, 10u);  // 10 reconnects per hour -> open 5 min
  EXPECT_EQ(q.breaker_window, 1h);
  EXPECT_EQ(q.breaker_open, 5min);
  EXPECT_EQ(q.silence_timeout, 10min);
  EXPECT_EQ(q.max_consecutive_hdlc_errors, 15u);
  EXPECT_EQ(q.max_consecutive_failed_cycles, 10u);
  EXPECT_FALSE(q.reconnect_max_age.has_value());
  EXPECT_EQ(q.reconnect_every_reads, 0u);
  EXPECT_EQ(q.event_throttle, 5min);
  EXPECT_EQ(c.fleet.max_concurrent_sessions, 256u);
  EXPECT_EQ(c.fleet.connect_rate, 50.0);
}

TEST(ConfigDefaultsTest, service_sections_default_to_the_contract_values) {
  auto c = config_test::load_ok(kNoMeters);
  EXPECT_FALSE(c.bridge.allow_mass_removal);
  EXPECT_EQ(c.http.listen.to_string(), "127.0.0.1:9947");
  EXPECT_TRUE(c.http.token.empty());
  EXPECT_FALSE(c.http.tls_server_config.has_value());
  EXPECT_TRUE(c.http.healthy_without_auth);
  EXPECT_TRUE(c.http.readings_enabled);
  EXPECT_TRUE(c.http.per_meter_breakdown);
  EXPECT_TRUE(c.http.metric_allowlist.empty());
  EXPECT_TRUE(c.http.metric_denylist.empty());
  EXPECT_TRUE(c.mqtt.enabled);
  EXPECT_EQ(c.mqtt.host, "127.0.0.1");
  EXPECT_EQ(c.mqtt.port, 1883);
  EXPECT_EQ(c.mqtt.mode, bridge::config::MqttMode::gateway);
  EXPECT_EQ(c.mqtt.topic_template, "meters/{meter}/telemetry");
  EXPECT_EQ(c.mqtt.client_id, "dlms-bridge");  // = [bridge] instance
  EXPECT_EQ(c.mqtt.keepalive, 60s);
  EXPECT_TRUE(c.mqtt.clean_session);
  EXPECT_EQ(c.mqtt.protocol, bridge::config::MqttProtocol::v311);
  EXPECT_EQ(c.mqtt.reconnect_min, 1s);
  EXPECT_EQ(c.mqtt.reconnect_max, 60s);
  EXPECT_EQ(c.mqtt.outbox_max_messages, 1'000'000u);
  EXPECT_EQ(c.mqtt.outbox_max_age, std::optional<Duration>(std::chrono::hours(24 * 7)));
  EXPECT_EQ(c.mqtt.replay_rate, 1000.0);
  EXPECT_EQ(c.mqtt.max_payload_bytes, 65536u);
  EXPECT_EQ(c.mqtt.device_type, "DLMS Energy Meter");
  EXPECT_EQ(c.mqtt.qos, 1);
  EXPECT_EQ(c.store.path, "state/dlms-bridge.db");
  EXPECT_EQ(c.bridge.state_dir, "state");
  EXPECT_TRUE(c.meters.empty());
}

TEST(ConfigDefaultsTest, client_id_and_store_path_follow_instance_and_state_dir) {
  auto c = config_test::load_ok("[bridge]\ninstance = \"site-7\"\nstate_dir = \"/var/lib/dlms\"\nallow_no_meters = true\n");
  EXPECT_EQ(c.mqtt.client_id, "site-7");
  EXPECT_EQ(c.store.path, "/var/lib/dlms/dlms-bridge.db");
}

TEST(ConfigDefaultsTest, a_bare_meter_is_the_microstar_profile_with_the_default_registers) {
  auto c = config_test::load_ok("[[meter]]\nid = \"m1\"\nhost = \"10.0.0.5\"\n");
  ASSERT_EQ(c.meters.size(), 1u);
  const auto& m = c.meters[0];
  EXPECT_EQ(m.device_name, "m1");
  EXPECT_EQ(m.port, 3333);
  EXPECT_EQ(m.transport, bridge::config::Transport::hdlc);
  EXPECT_EQ(m.client_sap, 1);
  EXPECT_EQ(m.server_logical, 0);
  EXPECT_EQ(m.server_physical, 1);
  EXPECT_EQ(m.address_size, 1);
  EXPECT_EQ(m.auth, bridge::config::Auth::none);
  EXPECT_TRUE(m.enabled);
  EXPECT_FALSE(m.release);  // the Microstar has no A-RELEASE
  EXPECT_EQ(m.register_set, "default");
  EXPECT_EQ(m.qos, c.qos);
  ASSERT_EQ(m.registers.size(), 5u);
  const char* keys[] = {"voltage_l1", "current_l1", "frequency", "active_power", "active_energy"};
  const char* obis[] = {"1-1:32.7.0", "1-1:31.7.0", "1-1:14.7.0", "1-1:1.7.0", "1-1:1.8.0"};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(m.registers[i].key, keys[i]);
    EXPECT_EQ(m.registers[i].obis.to_string(), obis[i]);
    EXPECT_EQ(m.registers[i].class_id, 3);
    EXPECT_EQ(m.registers[i].attribute, 2);
    EXPECT_FALSE(m.registers[i].unit.has_value());
  }
}

TEST(ConfigDefaultsTest, off_disables_optional_knobs_and_durations_accept_every_form) {
  auto c = config_test::load_ok(
      std::string(kNoMeters) +
      "[qos]\nkeepalive_idle = \"off\"\nreconnect_max_age = \"30m\"\nread_retry_delay = \"0.3s\"\n"
      "poll_interval = \"1m30s\"\n[mqtt]\noutbox_max_age = \"off\"\n");
  EXPECT_FALSE(c.qos.keepalive_idle.has_value());
  EXPECT_EQ(c.qos.reconnect_max_age, std::optional<Duration>(30min));
  EXPECT_EQ(c.qos.read_retry_delay, 300ms);
  EXPECT_EQ(c.qos.poll_interval, 90s);
  EXPECT_FALSE(c.mqtt.outbox_max_age.has_value());
}

}  // namespace

TEST(ConfigDefaultsTest, release_is_a_connection_setting_of_the_meter) {
  auto a = config_test::load_ok("[[meter]]\nid = \"m1\"\nhost = \"10.0.0.5\"\n");
  auto b = config_test::load_ok("[[meter]]\nid = \"m1\"\nhost = \"10.0.0.5\"\nrelease = true\n");
  EXPECT_TRUE(b.meters[0].release);
  // Changing it re-associates the meter on reload.
  EXPECT_FALSE(bridge::config::same_connection(a.meters[0], b.meters[0]));
}
