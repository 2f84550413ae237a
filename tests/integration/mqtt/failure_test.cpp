// Broker-side failures: wrong credentials, TLS trust failure, outbox cap during an outage.
#include <gtest/gtest.h>

#include "exporter_fixture.h"

namespace mqtt_it {
namespace {

using bridge::mqtt::Mode;
namespace ts = testing_support;

TEST(FailureTest, wrong_credentials_are_an_auth_failure_with_event_and_readings_stay_buffered) {
  ts::TempDir dir;
  const auto passwd = dir / "passwd";
  const auto made = ts::run({"mosquitto_passwd", "-b", "-c", passwd.string(), "bridge", "right-password"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  mqtt_testing::MosquittoBroker broker(dir / "broker", "allow_anonymous false\npassword_file " + passwd.string() + "\n");
  broker.start();
  auto store = open_store(dir / "state.db");
  {
    auto options = fast_options(broker.port(), Mode::gateway);
    options.username = "bridge";
    options.password = "wrong-password";
    CountingObserver observer;
    EventCollector events;
    bridge::mqtt::Exporter exporter(options, *store, &events, &observer);
    exporter.start();
    for (int n = 0; n < 5; ++n) exporter.on_reading(numbered_reading("meter-1", n));
    ASSERT_TRUE(ts::wait_until([&] { return exporter.stats().auth_failures >= 2; }, 20s)) << broker.log();
    EXPECT_GE(observer.failure("auth"), 2u);
    EXPECT_FALSE(exporter.connected());
    EXPECT_FALSE(observer.connected.load());
    EXPECT_TRUE(events.has("mqtt", bridge::Severity::error, "auth"));
    // One event for the failing state, not one per retry.
    std::size_t auth_events = 0;
    for (const auto& e : events.events()) auth_events += e.details.find("\"auth\"") != std::string::npos;
    EXPECT_EQ(auth_events, 1u);
    EXPECT_TRUE(ts::wait_until([&] { return store->outbox_count() == 5; }, 5s));
    exporter.stop(0ms);
  }
  // Fixed credentials: the buffered readings go out.
  auto options = fast_options(broker.port(), Mode::gateway);
  options.username = "bridge";
  options.password = "right-password";
  bridge::mqtt::Exporter exporter(options, *store);
  exporter.start();
  EXPECT_TRUE(ts::wait_until([&] { return store->outbox_count() == 0; }, 20s));
  EXPECT_EQ(exporter.stats().readings_acked, 5u);
  exporter.stop(1s);
}

TEST(FailureTest, untrusted_broker_certificate_is_a_tls_failure_and_the_right_ca_connects) {
  ts::TempDir dir;
  const auto server = mqtt_testing::make_self_signed_cert(dir.path(), "server");
  const auto other = mqtt_testing::make_self_signed_cert(dir.path(), "other");
  mqtt_testing::MosquittoBroker broker(
      dir / "broker", "allow_anonymous true\ncertfile " + server.cert.string() + "\nkeyfile " + server.key.string() + "\n");
  broker.start();
  auto store = open_store(dir / "state.db");
  {
    auto options = fast_options(broker.port(), Mode::gateway);
    options.tls.enabled = true;
    options.tls.ca_file = other.cert.string();  // does not sign the broker's certificate
    CountingObserver observer;
    EventCollector events;
    bridge::mqtt::Exporter exporter(options, *store, &events, &observer);
    exporter.start();
    for (int n = 0; n < 3; ++n) exporter.on_reading(numbered_reading("meter-1", n));
    ASSERT_TRUE(ts::wait_until([&] { return exporter.stats().tls_failures >= 1; }, 20s))
        << "failures=" << exporter.stats().publish_failures;
    EXPECT_GE(observer.failure("tls"), 1u);
    EXPECT_TRUE(events.has("mqtt", bridge::Severity::error, "tls"));
    EXPECT_TRUE(ts::wait_until([&] { return store->outbox_count() == 3; }, 5s));
    exporter.stop(0ms);
  }
  auto options = fast_options(broker.port(), Mode::gateway);
  options.tls.enabled = true;
  options.tls.ca_file = server.cert.string();
  bridge::mqtt::Exporter exporter(options, *store);
  exporter.start();
  EXPECT_TRUE(ts::wait_until([&] { return store->outbox_count() == 0; }, 20s)) << broker.log();
  EXPECT_EQ(exporter.stats().readings_acked, 3u);
  exporter.stop(1s);
}

TEST(FailureTest, outbox_cap_during_an_outage_drops_oldest_counts_and_records_an_event) {
  ts::TempDir dir;
  mqtt_testing::MosquittoBroker broker(dir / "broker");
  // A durable subscriber session, so what the broker gets while nobody listens is kept.
  broker.start();
  const std::string sub_id = "cap-sub-" + std::to_string(broker.port());
  { mqtt_testing::Subscriber pre(broker.port(), sub_id); ASSERT_TRUE(pre.wait_subscribed(10s)); }
  broker.stop();

  auto store = open_store(dir / "state.db");
  auto options = fast_options(broker.port(), Mode::gateway);
  options.outbox_max_messages = 50;
  CountingObserver observer;
  EventCollector events;
  bridge::mqtt::Exporter exporter(options, *store, &events, &observer);
  exporter.start();
  for (int n = 0; n < 80; ++n) exporter.on_reading(numbered_reading("meter-1", n));
  ASSERT_TRUE(ts::wait_until([&] { return exporter.stats().dropped_max_messages == 30; }, 20s))
      << exporter.stats().dropped_max_messages;
  EXPECT_EQ(store->outbox_count(), 50);
  // The exporter's stats count a drop first; the observer and the event follow on its thread (a
  // CI run read the event a moment too early), so both are awaited.
  EXPECT_TRUE(ts::wait_until([&] { return observer.drops("max_messages") == 30u; }, 5s))
      << observer.drops("max_messages");
  EXPECT_TRUE(ts::wait_until([&] { return events.has("outbox", bridge::Severity::warning, "max_messages"); }, 5s));
  ASSERT_TRUE(ts::wait_until([&] { return observer.outbox_messages.load() == 50; }, 5s));
  EXPECT_EQ(observer.oldest_ts_ms.load(), numbered_reading("meter-1", 30).ts_ms);

  broker.start();
  mqtt_testing::Subscriber sub(broker.port(), sub_id);
  ASSERT_TRUE(sub.wait_for([](const auto& msgs) { return collect_gateway(msgs).entries.size() >= 50; }, 30s));
  ASSERT_TRUE(ts::wait_until([&] { return store->outbox_count() == 0; }, 10s));
  const auto d = collect_gateway(sub.messages());
  EXPECT_EQ(d.entries.size(), 50u);  // the newest 50: 30..79
  for (int n = 0; n < 80; ++n) {
    EXPECT_EQ(d.entries.count({"meter-1", numbered_reading("meter-1", n).ts_ms}), n < 30 ? 0u : 1u) << n;
  }
  exporter.stop(1s);
}

}  // namespace
}  // namespace mqtt_it
