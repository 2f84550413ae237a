// Against a real mosquitto: the exact ThingsBoard formats in gateway, device and topic modes.
#include <gtest/gtest.h>

#include "exporter_fixture.h"

namespace mqtt_it {
namespace {

using bridge::mqtt::Mode;
using nlohmann::json;
namespace ts = testing_support;

class ExporterBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = std::make_unique<mqtt_testing::MosquittoBroker>(dir_ / "broker", "allow_anonymous true\n");
    broker_->start();
    sub_ = std::make_unique<mqtt_testing::Subscriber>(broker_->port(), "sub-" + std::to_string(broker_->port()));
    ASSERT_TRUE(sub_->wait_subscribed(10s));
    store_ = open_store(dir_ / "state.db");
  }

  ts::TempDir dir_;
  std::unique_ptr<mqtt_testing::MosquittoBroker> broker_;
  std::unique_ptr<mqtt_testing::Subscriber> sub_;
  std::unique_ptr<bridge::store::Store> store_;
  EventCollector events_;
  CountingObserver observer_;
};

bridge::mqtt::MeterInfo meter_info(const std::string& id, const std::string& name) {
  bridge::mqtt::MeterInfo m;
  m.id = id;
  m.device_name = name;
  m.host = "127.0.0.1";
  m.port = 4061;
  m.registers = {"voltage_l1", "active_energy"};
  m.interval = 5s;
  return m;
}

TEST_F(ExporterBrokerTest, gateway_mode_announces_meters_and_publishes_exact_thingsboard_telemetry) {
  for (auto protocol : {bridge::mqtt::Protocol::v311, bridge::mqtt::Protocol::v5}) {
    SCOPED_TRACE(protocol == bridge::mqtt::Protocol::v5 ? "MQTT 5" : "MQTT 3.1.1");
    const std::size_t before = sub_->count();
    auto options = fast_options(broker_->port(), Mode::gateway);
    options.protocol = protocol;
    bridge::mqtt::Exporter exporter(options, *store_, &events_, &observer_);
    exporter.on_meter_added(meter_info("meter-1", "DLMS-Meter-01"));
    exporter.on_meter_added(meter_info("meter-2", ""));
    exporter.start();
    const std::int64_t base = protocol == bridge::mqtt::Protocol::v5 ? 1'764'100'000'000 : 1'764'000'000'000;
    for (int n = 0; n < 3; ++n) {
      auto r1 = numbered_reading("meter-1", n, base);
      r1.device_name = "DLMS-Meter-01";
      exporter.on_reading(r1);
      exporter.on_reading(numbered_reading("meter-2", n, base));
    }
    ASSERT_TRUE(sub_->wait_for(
        [&](const auto& msgs) {
          std::vector<mqtt_testing::Received> mine(msgs.begin() + static_cast<std::ptrdiff_t>(before), msgs.end());
          return collect_gateway(mine).entries.size() == 6;
        },
        20s))
        << broker_->log();
    ASSERT_TRUE(ts::wait_until([&] { return store_->outbox_count() == 0; }, 10s));
    auto all = sub_->messages();
    std::vector<mqtt_testing::Received> msgs(all.begin() + static_cast<std::ptrdiff_t>(before), all.end());

    // v1/gateway/connect per meter before its first telemetry, attributes on connect.
    std::map<std::string, std::size_t> first_connect, first_telemetry;
    bool saw_attributes = false;
    for (std::size_t i = 0; i < msgs.size(); ++i) {
      const auto j = json::parse(msgs[i].payload);
      if (msgs[i].topic == "v1/gateway/connect") {
        ASSERT_EQ(j.size(), 2u) << msgs[i].payload;
        EXPECT_EQ(j["type"], "DLMS Energy Meter");
        first_connect.try_emplace(j["device"].get<std::string>(), i);
      } else if (msgs[i].topic == "v1/gateway/attributes" && j.contains("DLMS-Meter-01")) {
        saw_attributes = true;
        const auto& a = j["DLMS-Meter-01"];
        EXPECT_EQ(a["host"], "127.0.0.1");
        EXPECT_EQ(a["port"], 4061);
        EXPECT_EQ(a["registers"], json::array({"voltage_l1", "active_energy"}));
        EXPECT_DOUBLE_EQ(a["interval"].get<double>(), 5.0);
        EXPECT_TRUE(a.contains("bridge_version"));
      } else if (msgs[i].topic == "v1/gateway/telemetry") {
        // Every value a double: the raw text has 230.0, never 230.
        EXPECT_NE(msgs[i].payload.find("\"voltage_l1\":230.0"), std::string::npos) << msgs[i].payload;
        for (const auto& [device, entries] : j.items()) {
          first_telemetry.try_emplace(device, i);
          ASSERT_TRUE(entries.is_array());
          for (const auto& e : entries) {
            ASSERT_EQ(e.size(), 2u) << e.dump();
            EXPECT_TRUE(e["ts"].is_number_integer());
            EXPECT_TRUE(e["values"]["voltage_l1"].is_number_float());
            EXPECT_TRUE(e["values"]["active_energy"].is_number_float());
            const auto n = (e["ts"].get<std::int64_t>() - base) / 1000;
            EXPECT_DOUBLE_EQ(e["values"]["active_energy"].get<double>(), static_cast<double>(n) + 0.5);
          }
        }
      }
    }
    EXPECT_TRUE(saw_attributes);
    for (const std::string device : {"DLMS-Meter-01", "meter-2"}) {
      ASSERT_TRUE(first_connect.count(device)) << device;
      ASSERT_TRUE(first_telemetry.count(device)) << device;
      EXPECT_LT(first_connect[device], first_telemetry[device]) << device;
    }
    const auto d = collect_gateway(msgs);
    for (int n = 0; n < 3; ++n) {
      EXPECT_EQ(d.entries.count({"DLMS-Meter-01", base + n * 1000}), 1u);
      EXPECT_EQ(d.entries.count({"meter-2", base + n * 1000}), 1u);
    }
    EXPECT_TRUE(exporter.connected());
    exporter.stop(2s);
    const auto s = exporter.stats();
    EXPECT_EQ(s.readings_acked, 6u);
    EXPECT_EQ(s.readings_stored, 6u);
    EXPECT_GE(s.messages_acked, 1u);
    EXPECT_EQ(s.dropped_max_messages + s.dropped_max_age + s.dropped_store_error, 0u);
  }
  EXPECT_EQ(observer_.published_for("meter-1"), 6u);
  EXPECT_EQ(observer_.published_for("meter-2"), 6u);
  EXPECT_GE(observer_.acked.load(), 2u);
  EXPECT_EQ(observer_.outbox_messages.load(), 0);
}

TEST_F(ExporterBrokerTest, gateway_mode_batches_several_readings_per_message_within_the_size_limit) {
  auto options = fast_options(broker_->port(), Mode::gateway);
  options.max_readings_per_message = 10;
  options.max_payload_bytes = 100000;
  bridge::mqtt::Exporter exporter(options, *store_, &events_, &observer_);
  // Readings stored before start() are the backlog: published in batches.
  for (int n = 0; n < 50; ++n) exporter.on_reading(numbered_reading("meter-" + std::to_string(n % 3), n));
  exporter.start();
  ASSERT_TRUE(sub_->wait_for([](const auto& msgs) { return collect_gateway(msgs).entries.size() == 50; }, 20s));
  std::size_t telemetry_messages = 0, max_entries = 0;
  for (const auto& m : sub_->messages()) {
    if (m.topic != "v1/gateway/telemetry") continue;
    ++telemetry_messages;
    std::size_t entries = 0;
    const auto parsed = json::parse(m.payload);
    for (const auto& [device, arr] : parsed.items()) entries += arr.size();
    max_entries = std::max(max_entries, entries);
    EXPECT_LE(entries, 10u);
  }
  EXPECT_LT(telemetry_messages, 50u);
  EXPECT_GT(max_entries, 1u);
  // Per device, entries keep their order.
  for (const auto& [device, order] : collect_gateway(sub_->messages()).order) {
    EXPECT_TRUE(std::is_sorted(order.begin(), order.end())) << device;
  }
  exporter.stop(2s);
}

TEST_F(ExporterBrokerTest, device_mode_uses_one_connection_per_meter_token) {
  auto options = fast_options(broker_->port(), Mode::device);
  bridge::mqtt::Exporter exporter(options, *store_, &events_, &observer_);
  auto m1 = meter_info("meter-1", "");
  m1.device_token = "token-one";
  auto m2 = meter_info("meter-2", "");
  m2.device_token = "token-two";
  exporter.on_meter_added(m1);
  exporter.on_meter_added(m2);
  exporter.start();
  for (int n = 0; n < 2; ++n) {
    exporter.on_reading(numbered_reading("meter-1", n));
    exporter.on_reading(numbered_reading("meter-2", n + 100));
  }
  ASSERT_TRUE(sub_->wait_for(
      [](const auto& msgs) {
        return std::count_if(msgs.begin(), msgs.end(),
                             [](const auto& m) { return m.topic == "v1/devices/me/telemetry"; }) >= 4;
      },
      20s));
  std::set<std::int64_t> seen;
  for (const auto& m : sub_->messages()) {
    ASSERT_EQ(m.topic, "v1/devices/me/telemetry");
    const auto j = json::parse(m.payload);
    ASSERT_EQ(j.size(), 2u) << m.payload;
    EXPECT_TRUE(j["ts"].is_number_integer());
    EXPECT_TRUE(j["values"]["active_energy"].is_number_float());
    seen.insert(j["ts"].get<std::int64_t>());
  }
  EXPECT_EQ(seen.size(), 4u);
  ASSERT_TRUE(ts::wait_until([&] { return store_->outbox_count() == 0; }, 10s));
  // The broker saw two clients, each with its meter's token as user name.
  const auto log = broker_->log();
  EXPECT_NE(log.find("u'token-one'"), std::string::npos) << log;
  EXPECT_NE(log.find("u'token-two'"), std::string::npos) << log;
  EXPECT_NE(log.find(options.client_id + "-meter-1"), std::string::npos) << log;
  exporter.stop(2s);
  EXPECT_EQ(observer_.published_for("meter-1"), 2u);
  EXPECT_EQ(observer_.published_for("meter-2"), 2u);
}

TEST_F(ExporterBrokerTest, topic_mode_publishes_ts_values_on_the_templated_topic) {
  auto options = fast_options(broker_->port(), Mode::topic);
  options.topic_template = "meters/{meter}/telemetry";
  bridge::mqtt::Exporter exporter(options, *store_, &events_, &observer_);
  exporter.start();
  auto r = numbered_reading("meter-1", 7);
  r.device_name = "house-7";
  exporter.on_reading(r);
  ASSERT_TRUE(sub_->wait_for([](const auto& msgs) { return !msgs.empty(); }, 20s));
  const auto m = sub_->messages().front();
  EXPECT_EQ(m.topic, "meters/house-7/telemetry");
  const auto j = json::parse(m.payload);
  EXPECT_EQ(j["ts"].get<std::int64_t>(), r.ts_ms);
  EXPECT_DOUBLE_EQ(j["values"]["active_energy"].get<double>(), 7.5);
  EXPECT_NE(m.payload.find("\"voltage_l1\":230.0"), std::string::npos);
  exporter.stop(2s);
}

// meter_readings_total counts a reading when it enters the outbox; readings_published_total and
// publish_latency_seconds when its PUBACK arrives. Rows left by an earlier run (crash) are
// published but were counted by that run: published can exceed readings in a window, which is
// why the publish ratio is clamped (exporters/prometheus/README.md).
TEST_F(ExporterBrokerTest, readings_count_on_entering_the_outbox_and_latency_from_read_time_to_puback) {
  const auto wall_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  // Two rows of a previous run, read an hour ago and a millisecond before that. (Not after:
  // loopback publishes and acknowledges within the millisecond, and a row read at hour_ago + 1
  // would then be acknowledged 3599.999 s after its read.)
  const std::int64_t hour_ago = wall_ms() - 3'600'000;
  std::vector<bridge::store::OutboxMessage> leftovers;
  for (int n = 0; n < 2; ++n) {
    leftovers.push_back({"meter-1", "v1/gateway/telemetry",
                         R"({"meter-1":[{"ts":)" + std::to_string(hour_ago - n) + R"(,"values":{"v":1.0}}]})",
                         hour_ago - n, 0});
  }
  ASSERT_TRUE(store_->outbox_insert_batch(leftovers));

  bridge::mqtt::Exporter exporter(fast_options(broker_->port(), Mode::gateway), *store_, &events_, &observer_);
  exporter.on_meter_added(meter_info("meter-1", ""));
  exporter.start();
  // Three fresh readings, read 5, 4 and 3 s before they are handed over.
  const std::int64_t first_read = wall_ms() - 5000;
  for (int n = 0; n < 3; ++n) exporter.on_reading(numbered_reading("meter-1", n, first_read));
  ASSERT_TRUE(ts::wait_until([&] { return observer_.published_for("meter-1") == 5; }, 20s)) << broker_->log();
  exporter.stop(2s);

  EXPECT_EQ(observer_.stored_for("meter-1"), 3u);     // only what this run made
  EXPECT_EQ(observer_.published_for("meter-1"), 5u);  // the replayed rows too
  const auto latencies = observer_.publish_latencies();
  ASSERT_EQ(latencies.size(), 5u);  // one per acknowledged reading
  std::size_t old = 0;
  for (double s : latencies) {
    EXPECT_GE(s, 3.0);  // never less than the time since the read
    if (s >= 3600.0) ++old;
  }
  EXPECT_EQ(old, 2u) << ::testing::PrintToString(latencies);  // the leftovers carry their own read time
}

}  // namespace
}  // namespace mqtt_it
