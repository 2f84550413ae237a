// The shipped example configs load, and the production template documents every key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bridge/config/config.h"
#include "bridge/config/summary.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using bridge::config::load_file;

fs::path config_dir() {
  return fs::path(DLMS_BRIDGE_SOURCE_DIR) / "config";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ExampleConfigsTest, every_toml_file_in_config_loads_without_error) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(config_dir())) {
    if (entry.path().extension() != ".toml") continue;
    ++files;
    auto r = load_file(entry.path());
    EXPECT_TRUE(r) << entry.path() << ":\n" << (r ? "" : config_test::all_errors(r.error()));
  }
  EXPECT_GE(files, 3);
}

TEST(ExampleConfigsTest, microstar_profile_is_the_field_setup) {
  auto r = load_file(config_dir() / "microstar.toml");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->meters.size(), 1u);
  const auto& m = r->meters[0];
  EXPECT_EQ(m.port, 3333);
  EXPECT_EQ(m.client_sap, 1);
  EXPECT_EQ(m.server_logical, 0);
  EXPECT_EQ(m.server_physical, 1);
  EXPECT_EQ(m.address_size, 1);
  EXPECT_EQ(m.auth, bridge::config::Auth::low);
  EXPECT_EQ(m.password.reveal(), "22222222");
  EXPECT_EQ(m.registers, bridge::config::default_registers());
  ASSERT_EQ(m.credential_alternatives.size(), 2u);
  EXPECT_EQ(m.credential_alternatives[0].client_sap, 32);
  EXPECT_EQ(bridge::config::summary_line(*r),
            config_dir().string() +
                "/microstar.toml: ok: 1 meter, 5 registers, mqtt gateway 127.0.0.1:1883, http "
                "127.0.0.1:9947");
}

TEST(ExampleConfigsTest, demo_meters_share_one_sim_port_with_physical_address_k) {
  auto r = load_file(config_dir() / "demo.toml");
  ASSERT_TRUE(r);
  ASSERT_GE(r->meters.size(), 3u);
  for (std::size_t k = 0; k < r->meters.size(); ++k) {
    EXPECT_EQ(r->meters[k].host, "127.0.0.1");
    EXPECT_EQ(r->meters[k].port, r->meters[0].port);
    EXPECT_EQ(r->meters[k].server_physical, k + 1) << r->meters[k].id;
  }
  EXPECT_EQ(r->store.path, "state/dlms-bridge.db");
}

TEST(ExampleConfigsTest, production_template_reads_password_from_file) {
  auto r = load_file(config_dir() / "production.example.toml");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->meters[0].password.reveal(), "22222222");  // meter-password.example, newline stripped
}

// Every key of the effective config appears in production.example.toml as "key =" (set or
// commented out), so the template cannot fall behind the schema.
TEST(ExampleConfigsTest, production_template_mentions_every_key) {
  auto r = load_file(config_dir() / "production.example.toml");
  ASSERT_TRUE(r);
  const std::string doc = slurp(config_dir() / "production.example.toml");
  const auto dump = nlohmann::json::parse(bridge::config::to_redacted_json(*r));
  std::vector<std::string> missing;
  auto check_keys = [&](const nlohmann::json& obj) {
    for (const auto& [key, value] : obj.items()) {
      if (doc.find(key + " =") == std::string::npos && doc.find("[" + key) == std::string::npos &&
          doc.find("." + key + "]") == std::string::npos) {
        missing.push_back(key);
      }
    }
  };
  for (const char* section : {"bridge", "http", "mqtt", "store", "qos"}) check_keys(dump[section]);
  check_keys(dump["meters"][0]);
  // [[meter.profile]] keys too: the template shows at least one profile entry.
  std::size_t profiles = 0;
  for (const auto& meter : dump["meters"]) {
    for (const auto& profile : meter["profile"]) {
      check_keys(profile);
      ++profiles;
    }
  }
  EXPECT_GE(profiles, 1u) << "production.example.toml shows no [[meter.profile]]";
  // The HLS-GMAC keys (shown only for auth = "hls_gmac"); the keys themselves are documented
  // through their *_file form, as they are never given inline.
  bridge::config::Config hls = *r;
  hls.meters[0].auth = bridge::config::Auth::hls_gmac;
  auto hls_keys = nlohmann::json::parse(bridge::config::to_redacted_json(hls))["meters"][0]["hls_gmac"];
  ASSERT_TRUE(hls_keys.is_object());
  hls_keys.erase("block_cipher_key");
  hls_keys.erase("authentication_key");
  check_keys(hls_keys);
  // Keys that only exist in the file form (not in the dump).
  for (const char* key :
       {"password_file", "token_file", "device_token_file", "client_auth_type", "client_ca_file", "min_version",
        "cert_file", "key_file", "ca_file", "class", "attribute", "unit", "basic_auth_users", "tls_server_config"}) {
    if (doc.find(std::string(key) + " =") == std::string::npos && doc.find(key) == std::string::npos) {
      missing.push_back(key);
    }
  }
  EXPECT_TRUE(missing.empty()) << ::testing::PrintToString(missing);
}

}  // namespace
