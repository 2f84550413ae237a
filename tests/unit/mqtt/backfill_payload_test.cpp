// Backfilled profile rows: the live telemetry form with the row's own ts and the backfill mark.
#include "bridge/mqtt/backfill_payload.h"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace bridge::mqtt {
namespace {

using nlohmann::json;

Reading row() {
  Reading r;
  r.meter = "meter-1";
  r.device_name = "Meter One";
  r.ts_ms = 1764460800000;  // a quarter-hour capture on the meter's clock
  r.values.push_back({"active_energy", "1-0:1.8.0.255", 12345.0, 12345, 0, 30});
  r.values.push_back({"active_power", "1-0:1.7.0.255", 1500.0, 15000, -1, 27});
  r.values.push_back({"voltage_l1", "1-0:32.7.0.255", std::numeric_limits<double>::quiet_NaN(), 0, 0, 35});
  return r;
}

TEST(BackfillPayloadTest, gateway_entry_has_the_capture_time_the_values_and_the_mark) {
  const auto m = backfill_message(row(), "1-0:99.1.0", Mode::gateway, "");
  EXPECT_EQ(m.topic, "v1/gateway/telemetry");
  const auto j = json::parse(m.payload);
  ASSERT_TRUE(j.contains("Meter One"));
  const auto& e = j["Meter One"][0];
  EXPECT_EQ(e["ts"].get<std::int64_t>(), 1764460800000);
  EXPECT_TRUE(e["values"]["active_energy"].is_number_float());
  EXPECT_DOUBLE_EQ(e["values"]["active_power"].get<double>(), 1500.0);
  EXPECT_FALSE(e["values"].contains("voltage_l1"));  // NaN left out
  EXPECT_EQ(e["backfill"], true);
  EXPECT_EQ(e["profile"], "1-0:99.1.0");
  EXPECT_TRUE(is_backfill_entry(e.dump()));
  // The exact text, so a replay is byte-identical and consumers can rely on the key order.
  EXPECT_EQ(m.payload,
            R"({"Meter One":[{"ts":1764460800000,"values":{"active_energy":12345.0,"active_power":1500.0},)"
            R"("backfill":true,"profile":"1-0:99.1.0"}]})");
}

TEST(BackfillPayloadTest, device_and_topic_modes_carry_the_same_entry) {
  const auto device = backfill_message(row(), "1-0:99.1.0", Mode::device, "");
  EXPECT_EQ(device.topic, "v1/devices/me/telemetry");
  EXPECT_TRUE(is_backfill_entry(device.payload));
  const auto topic = backfill_message(row(), "1-0:99.1.0", Mode::topic, "meters/{meter}/telemetry");
  EXPECT_EQ(topic.topic, "meters/Meter One/telemetry");
  EXPECT_EQ(topic.payload, device.payload);
  EXPECT_EQ(json::parse(topic.payload)["ts"].get<std::int64_t>(), 1764460800000);
}

TEST(BackfillPayloadTest, a_live_reading_is_not_marked) {
  EXPECT_FALSE(is_backfill_entry(telemetry_entry(row())));
  EXPECT_FALSE(is_backfill_entry("not json"));
  EXPECT_FALSE(is_backfill_entry(R"({"ts":1,"values":{},"backfill":"yes"})"));
}

TEST(BackfillPayloadTest, merges_with_other_gateway_entries_keeping_the_mark) {
  const auto a = backfill_message(row(), "1-0:99.1.0", Mode::gateway, "");
  Reading later = row();
  later.ts_ms += 900000;
  const auto b = backfill_message(later, "1-0:99.1.0", Mode::gateway, "");
  const std::string_view parts[] = {a.payload, b.payload};
  const auto merged = merge_gateway_telemetry(parts);
  ASSERT_TRUE(merged);
  const auto j = json::parse(*merged);
  ASSERT_EQ(j["Meter One"].size(), 2u);
  EXPECT_EQ(j["Meter One"][1]["ts"].get<std::int64_t>(), 1764460800000 + 900000);
  EXPECT_EQ(j["Meter One"][1]["backfill"], true);
}

}  // namespace
}  // namespace bridge::mqtt
