// Secrets come from inline keys or *_file keys and never show up in any printout.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "bridge/config/config.h"
#include "bridge/config/summary.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using bridge::config::Secret;

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("config-secrets-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  fs::path dir_;
};

// Distinctive values so a leak is unambiguous.
constexpr const char* kMeterPassword = "Pw-meter-4711";
constexpr const char* kAltPassword = "Pw-alt-0815";
constexpr const char* kMqttPassword = "Pw-mqtt-9000";
constexpr const char* kHttpToken = "Tok-http-abcdef";
constexpr const char* kDeviceToken = "Tok-device-123";
constexpr const char* kHash = "$2y$10$abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVWXYZ01234";

TEST(SecretTest, prints_masked_through_stream_fmt_and_to_string) {
  Secret s("hunter2");
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "<secret>");
  EXPECT_EQ(fmt::format("{}", s), "<secret>");
  EXPECT_EQ(s.to_string(), "<secret>");
  EXPECT_EQ(Secret().to_string(), "");
  EXPECT_EQ(s.reveal(), "hunter2");
}

TEST_F(SecretsTest, file_secrets_are_read_with_trailing_newline_stripped_and_relative_to_the_config) {
  write("meter.pw", std::string(kMeterPassword) + "\n");
  write("alt.pw", std::string(kAltPassword) + "\r\n");
  write("mqtt.pw", kMqttPassword);
  write("http.token", std::string(kHttpToken) + "\n\n");
  write("device.token", std::string(kDeviceToken) + "\n");
  write("dlms.toml",
        "[http]\ntoken_file = \"http.token\"\n"
        "[mqtt]\nusername = \"bridge\"\npassword_file = \"mqtt.pw\"\n"
        "[[meter]]\nid = \"m1\"\nhost = \"h\"\nauth = \"low\"\npassword_file = \"meter.pw\"\n"
        "device_token_file = \"" +
            (dir_ / "device.token").string() +
            "\"\n"
            "credential_alternatives = [ { client_sap = 32, password_file = \"alt.pw\" }, { client_sap = 16 } ]\n");
  auto r = bridge::config::load_file(dir_ / "dlms.toml");
  ASSERT_TRUE(r) << config_test::all_errors(r.error());
  const auto& m = r->meters.at(0);
  EXPECT_EQ(m.password.reveal(), kMeterPassword);
  EXPECT_EQ(m.device_token.reveal(), kDeviceToken);
  ASSERT_EQ(m.credential_alternatives.size(), 2u);
  EXPECT_EQ(m.credential_alternatives[0].password.reveal(), kAltPassword);
  EXPECT_TRUE(m.credential_alternatives[1].password.empty());
  EXPECT_EQ(r->mqtt.password.reveal(), kMqttPassword);
  EXPECT_EQ(r->http.token.reveal(), kHttpToken);
}

TEST_F(SecretsTest, empty_secret_file_is_an_error) {
  write("empty.pw", "\n");
  auto r = bridge::config::load_string("[bridge]\nallow_no_meters = true\n[http]\ntoken_file = \"empty.pw\"\n",
                                       "t.toml", dir_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error()[0].line, 4);
  EXPECT_NE(r.error()[0].message.find("is empty"), std::string::npos);
}

TEST(SecretsMaskingTest, no_secret_appears_in_summary_redacted_dump_or_error_messages) {
  const std::string text = std::string("[http]\ntoken = \"") + kHttpToken + "\"\n[http.basic_auth_users]\nprom = \"" +
                           kHash +
                           "\"\n"
                           "[mqtt]\nmode = \"device\"\nusername = \"u\"\npassword = \"" +
                           kMqttPassword +
                           "\"\n"
                           "[[meter]]\nid = \"m1\"\nhost = \"h\"\nauth = \"low\"\npassword = \"" +
                           kMeterPassword + "\"\ndevice_token = \"" + kDeviceToken +
                           "\"\n"
                           "credential_alternatives = [ { client_sap = 32, password = \"" +
                           kAltPassword + "\" } ]\n";
  auto c = config_test::load_ok(text);
  const std::string summary = bridge::config::summary_line(c);
  const std::string dump = bridge::config::to_redacted_json(c);
  EXPECT_NE(dump.find("<secret>"), std::string::npos);
  for (const char* secret : {kMeterPassword, kAltPassword, kMqttPassword, kHttpToken, kDeviceToken, kHash}) {
    EXPECT_EQ(summary.find(secret), std::string::npos) << secret;
    EXPECT_EQ(dump.find(secret), std::string::npos) << secret;
  }
  // One meter's entry (the REST meter view) is its element of the whole dump, equally masked.
  const std::string meter_dump = bridge::config::to_redacted_json(c.meters.at(0));
  EXPECT_EQ(nlohmann::json::parse(meter_dump), nlohmann::json::parse(dump).at("meters").at(0));
  for (const char* secret : {kMeterPassword, kAltPassword, kDeviceToken}) {
    EXPECT_EQ(meter_dump.find(secret), std::string::npos) << secret;
  }

  // Invalid versions of each secret: messages describe the problem, never the value.
  const std::string long_pw = "Pw-too-long-0123456789";
  const std::string bad = std::string("[http.basic_auth_users]\nadmin = \"") + kMqttPassword +
                          "\"\n[[meter]]\nid = \"m1\"\nhost = \"h\"\nauth = \"low\"\npassword = \"" + long_pw +
                          "\"\ncredential_alternatives = [ { client_sap = 200, password = \"" + kAltPassword +
                          "\" } ]\n";
  auto r = bridge::config::load_string(bad, "bad.toml");
  ASSERT_FALSE(r);
  EXPECT_GE(r.error().size(), 3u);
  const std::string all = config_test::all_errors(r.error());
  for (const std::string& secret : {long_pw, std::string(kMqttPassword), std::string(kAltPassword)}) {
    EXPECT_EQ(all.find(secret), std::string::npos) << secret << " leaked in:\n" << all;
  }
}

}  // namespace
