// The mode decides, once, how readings map onto connections and messages.
#include "topology.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace bridge::mqtt {
namespace {

using nlohmann::json;

Reading reading(const std::string& meter) {
  Reading r;
  r.meter = meter;
  r.device_name = "Device " + meter;
  r.ts_ms = 1764196265123;
  r.values.push_back({"voltage_l1", "1-1:32.7.0.255", 230.0, 2300, -1, 35});
  return r;
}

MeterInfo meter(const std::string& id, const std::string& host) {
  MeterInfo m;
  m.id = id;
  m.host = host;
  m.port = 4059;
  return m;
}

std::vector<std::string> topics(const std::vector<Message>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m.topic);
  return out;
}

TEST(TopologyTest, gateway_shares_one_connection_batches_telemetry_and_announces_meters) {
  Options o;
  o.mode = Mode::gateway;
  o.max_readings_per_message = 7;
  o.max_payload_bytes = 1234;
  const auto t = make_topology(o);
  EXPECT_FALSE(t->connection_per_meter());
  const auto m = t->reading_message(reading("m1"));
  EXPECT_EQ(m.topic, kGatewayTelemetryTopic);
  EXPECT_TRUE(json::parse(m.payload).contains("Device m1"));

  const auto b = t->batching();
  EXPECT_EQ(b.max_rows, 7u);
  EXPECT_EQ(b.max_bytes, 1234u);
  EXPECT_EQ(b.topic, kGatewayTelemetryTopic);
  ASSERT_TRUE(b.merge);
  const std::string p1 = t->reading_message(reading("m1")).payload, p2 = t->reading_message(reading("m2")).payload;
  const std::vector<std::string_view> parts{p1, p2};
  const auto merged = b.merge(parts);
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(json::parse(*merged).size(), 2u);

  // Every CONNACK: connect + attributes for each configured meter.
  const std::map<std::string, MeterInfo> known{{"a", meter("a", "10.0.0.1")}, {"b", meter("b", "10.0.0.2")}};
  EXPECT_EQ(topics(t->on_connect(known)),
            (std::vector<std::string>{"v1/gateway/connect", "v1/gateway/attributes", "v1/gateway/connect",
                                      "v1/gateway/attributes"}));
  EXPECT_EQ(topics(t->on_new_meter(meter("c", "10.0.0.3"), /*configured=*/true)),
            (std::vector<std::string>{"v1/gateway/connect", "v1/gateway/attributes"}));
  // A meter first seen in a reading has no attributes to publish.
  EXPECT_EQ(topics(t->on_new_meter(meter("d", ""), /*configured=*/false)),
            (std::vector<std::string>{"v1/gateway/connect"}));
}

TEST(TopologyTest, device_mode_has_a_connection_per_meter_one_reading_per_message_and_no_announcements) {
  Options o;
  o.mode = Mode::device;
  const auto t = make_topology(o);
  EXPECT_TRUE(t->connection_per_meter());
  EXPECT_EQ(t->reading_message(reading("m1")).topic, kDeviceTelemetryTopic);
  EXPECT_EQ(t->batching().max_rows, 1u);
  EXPECT_TRUE(t->on_connect({{"a", meter("a", "10.0.0.1")}}).empty());
  EXPECT_TRUE(t->on_new_meter(meter("a", "10.0.0.1"), true).empty());
}

TEST(TopologyTest, topic_mode_shares_one_connection_and_expands_the_template) {
  Options o;
  o.mode = Mode::topic;
  o.topic_template = "site/{meter}/data";
  const auto t = make_topology(o);
  EXPECT_FALSE(t->connection_per_meter());
  const auto m = t->reading_message(reading("m1"));
  EXPECT_EQ(m.topic, "site/Device m1/data");
  EXPECT_EQ(json::parse(m.payload)["ts"].get<std::int64_t>(), 1764196265123);
  EXPECT_EQ(t->batching().max_rows, 1u);
  EXPECT_TRUE(t->on_connect({{"a", meter("a", "10.0.0.1")}}).empty());
  EXPECT_TRUE(t->on_new_meter(meter("a", "10.0.0.1"), true).empty());
}

}  // namespace
}  // namespace bridge::mqtt
