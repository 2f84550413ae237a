// Every key of [bridge], [http] and [mqtt] lands in its struct field.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "bridge/config/config.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace bridge::config;

class SectionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("config-sections-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    for (const char* f : {"server.crt", "server.key", "ca.crt", "client.crt", "client.key"}) {
      std::ofstream(dir_ / f) << "-----BEGIN TEST-----\n";
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(SectionsTest, full_bridge_http_and_mqtt_sections_are_read) {
  const std::string hash = "$2y$10$abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVWXYZ01234";
  auto c = config_test::load_ok(
      "[bridge]\ninstance = \"site-7\"\nstate_dir = \"/var/lib/x\"\nlog_level = \"debug\"\n"
      "allow_no_meters = true\nallow_mass_removal = true\n"
      "[http]\nlisten = \"[::1]:0\"\ntoken = \"t\"\nhealthy_without_auth = false\nreadings_enabled = false\n"
      "per_meter_breakdown = false\nmetric_denylist = [\"dlms_bridge_reading_.*\", \"go_.*\"]\n"
      "[http.tls_server_config]\ncert_file = \"server.crt\"\nkey_file = \"server.key\"\n"
      "client_auth_type = \"VerifyClientCertIfGiven\"\nclient_ca_file = \"ca.crt\"\nmin_version = \"TLS13\"\n"
      "[http.basic_auth_users]\nprometheus = \"" +
          hash +
          "\"\n"
          "[mqtt]\nenabled = false\nhost = \"broker.local\"\nport = 8883\nmode = \"topic\"\n"
          "topic_template = \"site/{meter}/t\"\nclient_id = \"cid\"\nusername = \"u\"\npassword = \"p\"\n"
          "keepalive = \"30s\"\nclean_session = false\nprotocol = \"5\"\nreconnect_min = \"500ms\"\n"
          "reconnect_max = \"2m\"\noutbox_max_messages = 5000\noutbox_max_age = \"1d\"\nreplay_rate = 250\n"
          "max_payload_bytes = 4096\ndevice_type = \"Meter\"\nqos = 1\n"
          "[mqtt.tls]\nca_file = \"ca.crt\"\ncert_file = \"client.crt\"\nkey_file = \"client.key\"\n"
          "[store]\npath = \"db.sqlite\"\n"
          "[qos]\nmax_concurrent_sessions = 0\nconnect_rate = 2.5\nbackoff_jitter = 0\n",
      dir_);
  EXPECT_EQ(c.bridge.instance, "site-7");
  EXPECT_EQ(c.bridge.state_dir, "/var/lib/x");
  EXPECT_EQ(c.bridge.log_level, "debug");
  EXPECT_TRUE(c.bridge.allow_no_meters);
  EXPECT_TRUE(c.bridge.allow_mass_removal);
  EXPECT_EQ(c.http.listen.host, "::1");
  EXPECT_EQ(c.http.listen.port, 0);
  EXPECT_EQ(c.http.listen.to_string(), "[::1]:0");
  EXPECT_EQ(c.http.token.reveal(), "t");
  EXPECT_FALSE(c.http.healthy_without_auth);
  EXPECT_FALSE(c.http.readings_enabled);
  EXPECT_FALSE(c.http.per_meter_breakdown);
  EXPECT_EQ(c.http.metric_denylist, (std::vector<std::string>{"dlms_bridge_reading_.*", "go_.*"}));
  EXPECT_TRUE(c.http.metric_allowlist.empty());
  ASSERT_TRUE(c.http.tls_server_config);
  EXPECT_EQ(c.http.tls_server_config->cert_file, dir_ / "server.crt");
  EXPECT_EQ(c.http.tls_server_config->key_file, dir_ / "server.key");
  EXPECT_EQ(c.http.tls_server_config->client_ca_file, dir_ / "ca.crt");
  EXPECT_EQ(c.http.tls_server_config->client_auth_type, ClientAuthType::VerifyClientCertIfGiven);
  EXPECT_EQ(c.http.tls_server_config->min_version, TlsVersion::TLS13);
  ASSERT_EQ(c.http.basic_auth_users.size(), 1u);
  EXPECT_EQ(c.http.basic_auth_users.at("prometheus").reveal(), hash);
  EXPECT_FALSE(c.mqtt.enabled);
  EXPECT_EQ(c.mqtt.host, "broker.local");
  EXPECT_EQ(c.mqtt.port, 8883);
  EXPECT_EQ(c.mqtt.mode, MqttMode::topic);
  EXPECT_EQ(c.mqtt.topic_template, "site/{meter}/t");
  EXPECT_EQ(c.mqtt.client_id, "cid");
  EXPECT_EQ(c.mqtt.username, "u");
  EXPECT_EQ(c.mqtt.password.reveal(), "p");
  EXPECT_EQ(c.mqtt.keepalive, 30s);
  EXPECT_FALSE(c.mqtt.clean_session);
  EXPECT_EQ(c.mqtt.protocol, MqttProtocol::v5);
  EXPECT_EQ(c.mqtt.reconnect_min, 500ms);
  EXPECT_EQ(c.mqtt.reconnect_max, 2min);
  EXPECT_EQ(c.mqtt.outbox_max_messages, 5000u);
  EXPECT_EQ(c.mqtt.outbox_max_age, std::optional<Duration>(24h));
  EXPECT_EQ(c.mqtt.replay_rate, 250.0);
  EXPECT_EQ(c.mqtt.max_payload_bytes, 4096u);
  EXPECT_EQ(c.mqtt.device_type, "Meter");
  ASSERT_TRUE(c.mqtt.tls);
  EXPECT_EQ(c.mqtt.tls->ca_file, dir_ / "ca.crt");
  EXPECT_EQ(c.mqtt.tls->cert_file, dir_ / "client.crt");
  EXPECT_EQ(c.store.path, "db.sqlite");  // store paths are relative to the working directory
  EXPECT_EQ(c.fleet.max_concurrent_sessions, 0u);
  EXPECT_EQ(c.fleet.connect_rate, 2.5);
  EXPECT_EQ(c.qos.backoff_jitter, 0.0);
}

TEST(SectionsMeterTest, every_meter_key_is_read) {
  auto c = config_test::load_ok(
      "[mqtt]\nmode = \"device\"\n"
      "[[meter]]\nid = \"m-1\"\ndevice_name = \"Meter One\"\nhost = \"10.1.2.3\"\nport = 4059\n"
      "transport = \"wrapper\"\nclient_sap = 32\nserver_logical = 1\nserver_physical = 1234\naddress_size = 4\n"
      "auth = \"low\"\npassword = \"11111111\"\nenabled = false\ndevice_token = \"dt\"\n"
      "credential_alternatives = [ { client_sap = 1, password = \"22222222\" } ]\n");
  const auto& m = c.meters.at(0);
  EXPECT_EQ(m.id, "m-1");
  EXPECT_EQ(m.device_name, "Meter One");
  EXPECT_EQ(m.host, "10.1.2.3");
  EXPECT_EQ(m.port, 4059);
  EXPECT_EQ(m.transport, Transport::wrapper);
  EXPECT_EQ(m.client_sap, 32);
  EXPECT_EQ(m.server_logical, 1);
  EXPECT_EQ(m.server_physical, 1234);
  EXPECT_EQ(m.address_size, 4);
  EXPECT_EQ(m.auth, Auth::low);
  EXPECT_EQ(m.password.reveal(), "11111111");
  EXPECT_FALSE(m.enabled);
  EXPECT_EQ(m.device_token.reveal(), "dt");
  ASSERT_EQ(m.credential_alternatives.size(), 1u);
  EXPECT_EQ(m.credential_alternatives[0].client_sap, 1);
  EXPECT_EQ(m.line, 3);
  EXPECT_EQ(c.find_meter("m-1"), &m);
  EXPECT_EQ(c.find_meter("nope"), nullptr);
}

}  // namespace
