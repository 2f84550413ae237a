#include <gtest/gtest.h>

#include "bridge/mqtt/config_adapter.h"
#include "bridge/mqtt/metrics_observer.h"

namespace bridge::mqtt {
namespace {

using namespace std::chrono_literals;

TEST(ConfigAdapterTest, maps_every_mqtt_key_and_the_token_wins_over_username) {
  bridge::config::MqttConfig c;
  c.host = "broker.local";
  c.port = 8883;
  c.mode = bridge::config::MqttMode::topic;
  c.topic_template = "x/{meter}";
  c.username = "user";
  c.password = bridge::config::Secret("pw");
  c.token = bridge::config::Secret("gateway-token");
  c.keepalive = 90s;
  c.clean_session = false;
  c.protocol = bridge::config::MqttProtocol::v5;
  c.tls = bridge::config::MqttTls{"/etc/ca.pem", "/etc/c.pem", "/etc/k.pem"};
  c.reconnect_min = 2s;
  c.reconnect_max = 30s;
  c.outbox_max_messages = 1234;
  c.outbox_max_age = std::chrono::hours(1);
  c.replay_rate = 50;
  c.max_payload_bytes = 4096;
  c.device_type = "Meter";
  const auto o = options_from_config(c, "bridge-a");
  EXPECT_EQ(o.host, "broker.local");
  EXPECT_EQ(o.port, 8883);
  EXPECT_EQ(o.mode, Mode::topic);
  EXPECT_EQ(o.topic_template, "x/{meter}");
  EXPECT_EQ(o.instance, "bridge-a");
  EXPECT_EQ(o.username, "gateway-token");
  EXPECT_EQ(o.password, "");
  EXPECT_EQ(o.keepalive, 90s);
  EXPECT_FALSE(o.clean_session);
  EXPECT_EQ(o.protocol, Protocol::v5);
  EXPECT_TRUE(o.tls.enabled);
  EXPECT_EQ(o.tls.ca_file, "/etc/ca.pem");
  EXPECT_EQ(o.tls.key_file, "/etc/k.pem");
  EXPECT_EQ(o.reconnect_min, 2s);
  EXPECT_EQ(o.reconnect_max, 30s);
  EXPECT_EQ(o.outbox_max_messages, 1234);
  EXPECT_EQ(o.outbox_max_age, std::chrono::hours(1));
  EXPECT_EQ(o.replay_rate, 50);
  EXPECT_EQ(o.max_payload_bytes, 4096u);
  EXPECT_EQ(o.device_type, "Meter");

  c.token = bridge::config::Secret();
  c.tls.reset();
  c.outbox_max_age.reset();
  const auto o2 = options_from_config(c, "bridge-a");
  EXPECT_EQ(o2.username, "user");
  EXPECT_EQ(o2.password, "pw");
  EXPECT_FALSE(o2.tls.enabled);
  EXPECT_EQ(o2.outbox_max_age.count(), 0);  // no age cap
}

TEST(ConfigAdapterTest, meter_info_carries_name_address_register_keys_interval_and_token) {
  bridge::config::MeterConfig m;
  m.id = "meter-1";
  m.device_name = "DLMS-Meter-01";
  m.host = "10.0.0.5";
  m.port = 4061;
  bridge::config::RegisterConfig r;
  r.key = "voltage_l1";
  m.registers.push_back(r);
  m.qos.poll_interval = 7s;
  m.device_token = bridge::config::Secret("tok");
  const auto info = meter_info_from_config(m);
  EXPECT_EQ(info.name(), "DLMS-Meter-01");
  EXPECT_EQ(info.host, "10.0.0.5");
  EXPECT_EQ(info.port, 4061);
  EXPECT_EQ(info.registers, std::vector<std::string>{"voltage_l1"});
  EXPECT_EQ(info.interval, 7s);
  EXPECT_EQ(info.device_token, "tok");
}

TEST(MetricsObserverTest, drives_the_design_section_3_series) {
  bridge::prometheus::BridgeMetrics metrics;
  auto& meter = metrics.add_meter("meter-1");
  MetricsObserver obs(metrics);
  obs.on_connected(true);
  EXPECT_EQ(metrics.mqtt_connected().Value(), 1.0);
  obs.on_acked(2);
  EXPECT_EQ(metrics.mqtt_messages_acked_total().Value(), 2.0);
  obs.on_readings_published("meter-1", 5);
  obs.on_readings_published("removed-meter", 5);  // no series: ignored
  EXPECT_EQ(meter.readings_published_total.Value(), 5.0);
  EXPECT_EQ(metrics.meter("removed-meter"), nullptr);
  obs.on_readings_stored("meter-1", 7);
  obs.on_readings_stored("removed-meter", 7);
  EXPECT_EQ(meter.readings_total.Value(), 7.0);
  obs.on_publish_latency(1.5);
  obs.on_publish_latency(400);
  const auto latency = metrics.publish_latency_seconds().Collect().histogram;
  EXPECT_EQ(latency.sample_count, 2u);
  EXPECT_DOUBLE_EQ(latency.sample_sum, 401.5);
  obs.on_publish_failure(bridge::labels::PublishFailure::auth);
  EXPECT_EQ(metrics.mqtt_publish_failure(bridge::labels::PublishFailure::auth).Value(), 1.0);
  obs.on_reconnect();
  EXPECT_EQ(metrics.mqtt_reconnects_total().Value(), 1.0);
  obs.on_outbox(42, 1764000000500);
  EXPECT_EQ(metrics.outbox_messages().Value(), 42.0);
  EXPECT_DOUBLE_EQ(metrics.outbox_oldest_timestamp_seconds().Value(), 1764000000.5);
  obs.on_outbox(0, std::nullopt);
  EXPECT_EQ(metrics.outbox_oldest_timestamp_seconds().Value(), 0.0);
  obs.on_dropped(bridge::labels::OutboxDrop::max_age, 3);
  EXPECT_EQ(metrics.outbox_dropped(bridge::labels::OutboxDrop::max_age).Value(), 3.0);
}

}  // namespace
}  // namespace bridge::mqtt
