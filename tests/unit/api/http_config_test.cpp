#include "bridge/api/http_config.h"

#include <gtest/gtest.h>

namespace {

TEST(HttpConfigTest, config_http_table_maps_to_server_options) {
  bridge::config::HttpConfig c;
  c.listen = {"127.0.0.1", 9999};
  c.token = bridge::config::Secret("t0ken");
  c.basic_auth_users["prometheus"] = bridge::config::Secret("$2b$10$hash");
  c.healthy_without_auth = true;
  bridge::config::TlsServerConfig tls;
  tls.cert_file = "/etc/dlms-bridge/cert.pem";
  tls.key_file = "/etc/dlms-bridge/key.pem";
  tls.client_ca_file = "/etc/dlms-bridge/ca.pem";
  tls.client_auth_type = bridge::config::ClientAuthType::RequireAndVerifyClientCert;
  tls.min_version = bridge::config::TlsVersion::TLS13;
  c.tls_server_config = tls;
  c.max_connections = 64;
  c.read_header_timeout = std::chrono::milliseconds(2500);
  c.idle_timeout = std::chrono::seconds(9);

  auto o = bridge::api::to_http_options(c);
  EXPECT_EQ(o.max_connections, 64u);
  EXPECT_EQ(o.read_header_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(o.idle_timeout, std::chrono::seconds(9));
  EXPECT_EQ(o.listen, "127.0.0.1:9999");
  EXPECT_EQ(o.bearer_token, "t0ken");
  EXPECT_EQ(o.basic_auth_users.at("prometheus"), "$2b$10$hash");
  EXPECT_TRUE(o.healthy_without_auth);
  ASSERT_TRUE(o.tls_server_config);
  EXPECT_EQ(o.tls_server_config->cert_file, "/etc/dlms-bridge/cert.pem");
  EXPECT_EQ(o.tls_server_config->key_file, "/etc/dlms-bridge/key.pem");
  EXPECT_EQ(o.tls_server_config->client_ca_file, "/etc/dlms-bridge/ca.pem");
  EXPECT_EQ(o.tls_server_config->client_auth_type, "RequireAndVerifyClientCert");
  EXPECT_EQ(o.tls_server_config->min_version, "TLS13");
}

TEST(HttpConfigTest, defaults_have_no_tls_no_auth) {
  auto o = bridge::api::to_http_options(bridge::config::HttpConfig{});
  EXPECT_EQ(o.listen, "127.0.0.1:9947");
  EXPECT_FALSE(o.tls_server_config);
  EXPECT_TRUE(o.basic_auth_users.empty());
  EXPECT_TRUE(o.bearer_token.empty());
  EXPECT_EQ(o.max_connections, 512u);
  EXPECT_EQ(o.read_header_timeout, std::chrono::seconds(5));
  EXPECT_EQ(o.idle_timeout, std::chrono::seconds(30));
}

}  // namespace
