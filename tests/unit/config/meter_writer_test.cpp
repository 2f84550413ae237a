// meter_toml / meter_json: the entry `discover` prints loads back to the same meter.
#include "bridge/config/meter_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace {

using namespace bridge::config;

MeterConfig sample() {
  MeterConfig m;
  m.id = "meter-000019001234";
  m.device_name = m.id;
  m.host = "10.1.2.3";
  m.port = 4059;
  m.transport = Transport::hdlc;
  m.client_sap = 48;
  m.server_logical = 1;
  m.server_physical = 1234;
  m.address_size = 4;
  m.auth = Auth::low;
  m.password = Secret(R"(a'b"c\d:)");  // both quote kinds and a backslash must survive
  m.credential_alternatives = {{32, Secret("11111111")}, {16, Secret()}};
  RegisterConfig v;
  v.key = "voltage_l1";
  v.obis = *parse_obis("1-0:32.7.0");
  RegisterConfig demand;
  demand.key = "max_demand";
  demand.obis = *parse_obis("1-0:1.6.0");
  demand.class_id = 4;
  demand.unit = "W";
  m.registers = {v, demand};
  return m;
}

TEST(MeterWriterTest, toml_loads_back_to_the_same_meter) {
  const auto m = sample();
  const auto text = meter_toml(m);
  auto config = config_test::load_ok(text);
  ASSERT_EQ(config.meters.size(), 1u) << text;
  const auto& back = config.meters[0];
  EXPECT_EQ(back.id, m.id);
  EXPECT_EQ(back.host, m.host);
  EXPECT_EQ(back.port, m.port);
  EXPECT_EQ(back.transport, m.transport);
  EXPECT_EQ(back.client_sap, m.client_sap);
  EXPECT_EQ(back.server_logical, m.server_logical);
  EXPECT_EQ(back.server_physical, m.server_physical);
  EXPECT_EQ(back.address_size, m.address_size);
  EXPECT_EQ(back.auth, m.auth);
  EXPECT_EQ(back.password.reveal(), m.password.reveal()) << text;
  EXPECT_EQ(back.credential_alternatives, m.credential_alternatives);
  EXPECT_EQ(back.registers, m.registers) << text;
}

TEST(MeterWriterTest, public_client_and_the_builtin_register_set) {
  MeterConfig m;
  m.id = "m1";
  m.device_name = "m1";
  m.host = "127.0.0.1";
  m.client_sap = 16;
  m.auth = Auth::none;
  m.register_set = std::string(kDefaultRegisterSet);
  m.registers = default_registers();
  const auto text = meter_toml(m);
  EXPECT_NE(text.find("register_set = "), std::string::npos) << text;
  EXPECT_EQ(text.find("password"), std::string::npos) << text;
  EXPECT_EQ(text.find("[[meter.register]]"), std::string::npos) << text;
  auto config = config_test::load_ok(text);
  ASSERT_EQ(config.meters.size(), 1u);
  EXPECT_EQ(config.meters[0].registers, default_registers());
  EXPECT_EQ(config.meters[0].auth, Auth::none);
}

TEST(MeterWriterTest, json_has_the_same_keys_and_values) {
  const auto m = sample();
  auto j = nlohmann::json::parse(meter_json(m));
  EXPECT_EQ(j["id"], m.id);
  EXPECT_EQ(j["server_physical"], 1234);
  EXPECT_EQ(j["address_size"], 4);
  EXPECT_EQ(j["auth"], "low");
  EXPECT_EQ(j["password"], m.password.reveal());
  ASSERT_EQ(j["register"].size(), 2u);
  EXPECT_EQ(j["register"][1]["class"], 4);
  EXPECT_EQ(j["register"][1]["obis"], "1-0:1.6.0");
  EXPECT_EQ(j["credential_alternatives"][1].size(), 1u);  // public: no password key
}

}  // namespace
