#include "bridge/mqtt/payload.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace bridge::mqtt {
namespace {

using nlohmann::json;

Reading sample() {
  Reading r;
  r.meter = "meter-1";
  r.ts_ms = 1764196265123;
  r.values.push_back({"voltage_l1", "1-1:32.7.0.255", 230.0, 2300, -1, 35});
  r.values.push_back({"active_energy", "1-1:1.8.0.255", 12345.678, 12345678, -3, 30});
  return r;
}

TEST(PayloadTest, telemetry_entry_has_ts_in_ms_and_every_value_as_double) {
  const auto text = telemetry_entry(sample());
  // Integral values keep a decimal point so ThingsBoard stores one type (double) per key.
  EXPECT_NE(text.find("\"voltage_l1\":230.0"), std::string::npos) << text;
  const auto j = json::parse(text);
  EXPECT_EQ(j["ts"].get<std::int64_t>(), 1764196265123);
  EXPECT_TRUE(j["ts"].is_number_integer());
  ASSERT_TRUE(j["values"].is_object());
  EXPECT_TRUE(j["values"]["voltage_l1"].is_number_float());
  EXPECT_TRUE(j["values"]["active_energy"].is_number_float());
  EXPECT_DOUBLE_EQ(j["values"]["active_energy"].get<double>(), 12345.678);
  EXPECT_EQ(j.size(), 2u);
}

TEST(PayloadTest, zero_and_negative_values_are_doubles_too) {
  Reading r = sample();
  r.values = {{"active_power", "", 0.0, 0, 0, 27}, {"reactive_power", "", -5.0, -5, 0, 29}};
  const auto text = telemetry_entry(r);
  EXPECT_NE(text.find("\"active_power\":0.0"), std::string::npos) << text;
  EXPECT_NE(text.find("\"reactive_power\":-5.0"), std::string::npos) << text;
}

TEST(PayloadTest, non_finite_values_are_left_out) {
  Reading r = sample();
  r.values.push_back({"frequency", "", std::numeric_limits<double>::quiet_NaN(), 0, 0, 44});
  r.values.push_back({"current_l1", "", std::numeric_limits<double>::infinity(), 0, 0, 33});
  const auto j = json::parse(telemetry_entry(r));
  EXPECT_FALSE(j["values"].contains("frequency"));
  EXPECT_FALSE(j["values"].contains("current_l1"));
  EXPECT_EQ(j["values"].size(), 2u);
}

TEST(PayloadTest, gateway_message_is_keyed_by_device_name_with_an_array_of_entries) {
  Reading r = sample();
  r.device_name = "DLMS-Meter-01";
  const auto m = reading_message(r, Mode::gateway, "");
  EXPECT_EQ(m.topic, "v1/gateway/telemetry");
  const auto j = json::parse(m.payload);
  ASSERT_TRUE(j.contains("DLMS-Meter-01")) << m.payload;
  ASSERT_TRUE(j["DLMS-Meter-01"].is_array());
  ASSERT_EQ(j["DLMS-Meter-01"].size(), 1u);
  EXPECT_EQ(j["DLMS-Meter-01"][0]["ts"].get<std::int64_t>(), r.ts_ms);
  EXPECT_DOUBLE_EQ(j["DLMS-Meter-01"][0]["values"]["voltage_l1"].get<double>(), 230.0);
}

TEST(PayloadTest, device_name_defaults_to_the_meter_id) {
  const auto m = reading_message(sample(), Mode::gateway, "");
  EXPECT_TRUE(json::parse(m.payload).contains("meter-1"));
}

TEST(PayloadTest, device_mode_is_ts_values_on_the_device_topic) {
  const auto m = reading_message(sample(), Mode::device, "ignored");
  EXPECT_EQ(m.topic, "v1/devices/me/telemetry");
  const auto j = json::parse(m.payload);
  EXPECT_EQ(j["ts"].get<std::int64_t>(), 1764196265123);
  EXPECT_TRUE(j["values"]["voltage_l1"].is_number_float());
}

TEST(PayloadTest, topic_mode_expands_every_meter_placeholder) {
  Reading r = sample();
  r.device_name = "house-7";
  const auto m = reading_message(r, Mode::topic, "site/{meter}/telemetry/{meter}");
  EXPECT_EQ(m.topic, "site/house-7/telemetry/house-7");
  EXPECT_EQ(json::parse(m.payload)["ts"].get<std::int64_t>(), r.ts_ms);
  EXPECT_EQ(expand_topic("plain", "x"), "plain");
}

TEST(PayloadTest, gateway_connect_and_attributes_follow_the_thingsboard_gateway_api) {
  MeterInfo info;
  info.id = "meter-1";
  info.device_name = "DLMS-Meter-01";
  info.host = "10.0.0.5";
  info.port = 4061;
  info.registers = {"voltage_l1", "current_l1"};
  info.interval = std::chrono::seconds(5);
  const auto c = gateway_connect(info, "DLMS Energy Meter");
  EXPECT_EQ(c.topic, "v1/gateway/connect");
  EXPECT_EQ(json::parse(c.payload), json::parse(R"({"device":"DLMS-Meter-01","type":"DLMS Energy Meter"})"));
  const auto a = gateway_attributes(info, "0.1.0");
  EXPECT_EQ(a.topic, "v1/gateway/attributes");
  const auto j = json::parse(a.payload);
  const auto& attrs = j["DLMS-Meter-01"];
  EXPECT_EQ(attrs["host"], "10.0.0.5");
  EXPECT_EQ(attrs["port"], 4061);
  EXPECT_EQ(attrs["registers"], json::array({"voltage_l1", "current_l1"}));
  EXPECT_DOUBLE_EQ(attrs["interval"].get<double>(), 5.0);
  EXPECT_EQ(attrs["bridge_version"], "0.1.0");
}

TEST(PayloadTest, merge_keeps_entry_order_per_device) {
  Reading a = sample();
  Reading b = sample();
  b.ts_ms += 5000;
  Reading other = sample();
  other.meter = "meter-2";
  const auto ma = reading_message(a, Mode::gateway, "").payload;
  const auto mo = reading_message(other, Mode::gateway, "").payload;
  const auto mb = reading_message(b, Mode::gateway, "").payload;
  const std::string_view parts[] = {ma, mo, mb};
  const auto merged = merge_gateway_telemetry(parts);
  ASSERT_TRUE(merged.has_value());
  const auto j = json::parse(*merged);
  ASSERT_EQ(j["meter-1"].size(), 2u);
  EXPECT_EQ(j["meter-1"][0]["ts"].get<std::int64_t>(), a.ts_ms);
  EXPECT_EQ(j["meter-1"][1]["ts"].get<std::int64_t>(), b.ts_ms);
  ASSERT_EQ(j["meter-2"].size(), 1u);
  // A merged entry is byte-identical in content to the single-reading one.
  EXPECT_EQ(j["meter-1"][1], json::parse(mb)["meter-1"][0]);
}

TEST(PayloadTest, merge_refuses_payloads_that_are_not_gateway_telemetry) {
  const std::string_view parts[] = {R"({"ts":1,"values":{}})", R"([1,2])"};
  EXPECT_FALSE(merge_gateway_telemetry(parts).has_value());
  const std::string_view broken[] = {R"({"a":[]})", "{not json"};
  EXPECT_FALSE(merge_gateway_telemetry(broken).has_value());
}

}  // namespace
}  // namespace bridge::mqtt
