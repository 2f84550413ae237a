// The metrics contract of docs/contract.md: names, HELP, pre-created label values,
// removal of meters, fleet-wide families and build_info.
#include "bridge/prometheus/bridge_metrics.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "bridge/prometheus/exposition.h"
#include "bridge/prometheus/readings_collectable.h"
#include "exposition_parser.h"

namespace {

using bridge::prometheus::BridgeMetrics;
using bridge::prometheus::BuildInfo;
using bridge::prometheus::Exposition;
namespace labels = bridge::labels;

struct Fixture : ::testing::Test {
  std::shared_ptr<BridgeMetrics> metrics = std::make_shared<BridgeMetrics>(BuildInfo{"1.2.3", "abcdef", "main"});
  Exposition exposition;
  Fixture() {
    exposition.add(metrics->registry());
    exposition.add(std::static_pointer_cast<const bridge::prometheus::Collector>(metrics));
  }
  test_exposition::Parsed scrape() const { return test_exposition::parse(exposition.render()); }
};

const char* const kPerMeter[] = {
    "dlms_bridge_meter_up",
    "dlms_bridge_meter_connected",
    "dlms_bridge_meter_paused",
    "dlms_bridge_meter_last_success_timestamp_seconds",
    "dlms_bridge_meter_polls_total",
    "dlms_bridge_meter_poll_failures_total",
    "dlms_bridge_meter_reconnects_total",
    "dlms_bridge_meter_hdlc_errors_total",
    "dlms_bridge_meter_circuit_breaker_open",
    "dlms_bridge_meter_circuit_breaker_trips_total",
    "dlms_bridge_meter_watchdog_trips_total",
    "dlms_bridge_meter_readings_published_total",
    "dlms_bridge_meter_readings_total",
    "dlms_bridge_meter_poll_duration_seconds",
    "dlms_bridge_meter_diagnosis_info",
    "dlms_bridge_meter_endpoint_index",
    "dlms_bridge_meter_request_timeout_seconds",
    "dlms_bridge_meter_clock_syncs_total",
    "dlms_bridge_meter_protocol_warnings_total",
    "dlms_bridge_meter_clock_offset_seconds",
    "dlms_bridge_meter_poll_slots_due_total",
    "dlms_bridge_meter_poll_slots_missed_total",
};
const char* const kFleet[] = {
    "dlms_bridge_poll_duration_seconds",
    "dlms_bridge_poll_start_lateness_seconds",
    "dlms_bridge_publish_latency_seconds",
    "dlms_bridge_mqtt_connected",
    "dlms_bridge_mqtt_messages_acked_total",
    "dlms_bridge_mqtt_publish_failures_total",
    "dlms_bridge_mqtt_reconnects_total",
    "dlms_bridge_outbox_messages",
    "dlms_bridge_outbox_oldest_timestamp_seconds",
    "dlms_bridge_outbox_dropped_total",
    "dlms_bridge_build_info",
};

TEST_F(Fixture, every_family_of_the_contract_has_help_and_type) {
  metrics->add_meter("meter-1");
  auto p = scrape();
  for (const char* name : kPerMeter) {
    ASSERT_TRUE(p.help.count(name)) << name;
    EXPECT_NE(p.help.at(name).find("as of the last poll"), std::string::npos) << name;
    const std::string n(name);
    const char* type = n.ends_with("_total")                               ? "counter"
                       : n == "dlms_bridge_meter_poll_duration_seconds" ? "summary"
                                                                         : "gauge";
    EXPECT_EQ(p.type.at(name), type) << name;
  }
  for (const char* name : kFleet) {
    ASSERT_TRUE(p.help.count(name)) << name;
    EXPECT_GT(p.help.at(name).size(), 20u) << name;
  }
  EXPECT_EQ(p.type.at("dlms_bridge_poll_duration_seconds"), "histogram");
  EXPECT_EQ(p.type.at("dlms_bridge_publish_latency_seconds"), "histogram");
  EXPECT_EQ(p.type.at("dlms_bridge_poll_start_lateness_seconds"), "histogram");
  EXPECT_EQ(p.type.at("dlms_bridge_mqtt_messages_acked_total"), "counter");
}

TEST_F(Fixture, every_bounded_label_value_exists_at_zero_when_a_meter_is_added) {
  metrics->add_meter("meter-1");
  auto p = scrape();
  for (auto r : labels::kPollFailures) {
    EXPECT_EQ(p.value("dlms_bridge_meter_poll_failures_total",
                      {{"meter", "meter-1"}, {"reason", std::string(labels::to_label(r))}}),
              0);
  }
  for (auto c : labels::kReconnectCauses) {
    EXPECT_EQ(p.value("dlms_bridge_meter_reconnects_total",
                      {{"meter", "meter-1"}, {"cause", std::string(labels::to_label(c))}}),
              0);
  }
  for (auto k : labels::kHdlcErrors) {
    EXPECT_EQ(p.value("dlms_bridge_meter_hdlc_errors_total",
                      {{"meter", "meter-1"}, {"kind", std::string(labels::to_label(k))}}),
              0);
  }
  for (auto w : labels::kWatchdogs) {
    EXPECT_EQ(p.value("dlms_bridge_meter_watchdog_trips_total",
                      {{"meter", "meter-1"}, {"watchdog", std::string(labels::to_label(w))}}),
              0);
  }
  EXPECT_EQ(p.find("dlms_bridge_meter_poll_failures_total").size(), labels::kPollFailures.size());
}

TEST_F(Fixture, fleet_wide_reasons_are_precreated_without_any_meter) {
  auto p = scrape();
  for (auto r : labels::kPublishFailures) {
    EXPECT_EQ(p.value("dlms_bridge_mqtt_publish_failures_total", {{"reason", std::string(labels::to_label(r))}}), 0);
  }
  for (auto r : labels::kOutboxDrops) {
    EXPECT_EQ(p.value("dlms_bridge_outbox_dropped_total", {{"reason", std::string(labels::to_label(r))}}), 0);
  }
  EXPECT_TRUE(p.find("dlms_bridge_meter_up").empty());
}

TEST_F(Fixture, updates_through_references_show_in_the_next_scrape) {
  auto& m = metrics->add_meter("meter-1");
  m.up.Set(1);
  m.last_success_timestamp_seconds.Set(1764196800);
  m.polls_total.Increment(3);
  m.poll_failure(labels::PollFailure::association_rejected).Increment();
  m.reconnect(labels::ReconnectCause::watchdog_silence).Increment(2);
  m.hdlc_error(labels::HdlcError::timeout).Increment();
  m.watchdog_trip(labels::Watchdog::failed_cycles).Increment();
  metrics->mqtt_publish_failure(labels::PublishFailure::tls).Increment();
  metrics->outbox_dropped(labels::OutboxDrop::max_age).Increment(5);
  metrics->mqtt_connected().Set(1);
  auto p = scrape();
  EXPECT_EQ(p.value("dlms_bridge_meter_up", {{"meter", "meter-1"}}), 1);
  EXPECT_EQ(p.value("dlms_bridge_meter_last_success_timestamp_seconds", {{"meter", "meter-1"}}), 1764196800);
  EXPECT_EQ(p.value("dlms_bridge_meter_polls_total", {{"meter", "meter-1"}}), 3);
  EXPECT_EQ(p.value("dlms_bridge_meter_poll_failures_total", {{"reason", "association_rejected"}}), 1);
  EXPECT_EQ(p.value("dlms_bridge_meter_poll_failures_total", {{"reason", "timeout"}}), 0);
  EXPECT_EQ(p.value("dlms_bridge_meter_reconnects_total", {{"cause", "watchdog_silence"}}), 2);
  EXPECT_EQ(p.value("dlms_bridge_meter_hdlc_errors_total", {{"kind", "timeout"}}), 1);
  EXPECT_EQ(p.value("dlms_bridge_meter_watchdog_trips_total", {{"watchdog", "failed_cycles"}}), 1);
  EXPECT_EQ(p.value("dlms_bridge_mqtt_publish_failures_total", {{"reason", "tls"}}), 1);
  EXPECT_EQ(p.value("dlms_bridge_outbox_dropped_total", {{"reason", "max_age"}}), 5);
  EXPECT_EQ(p.value("dlms_bridge_mqtt_connected"), 1);
}

TEST_F(Fixture, add_meter_is_idempotent_and_meter_finds_it) {
  auto& a = metrics->add_meter("m");
  a.polls_total.Increment();
  auto& b = metrics->add_meter("m");
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(metrics->meter("m"), &a);
  EXPECT_EQ(metrics->meter("other"), nullptr);
  EXPECT_EQ(scrape().value("dlms_bridge_meter_polls_total", {{"meter", "m"}}), 1);
}

TEST_F(Fixture, remove_meter_removes_all_its_series_and_keeps_the_others) {
  metrics->add_meter("keep");
  metrics->add_meter("drop");
  metrics->remove_meter("drop");
  metrics->remove_meter("never-added");
  auto p = scrape();
  for (const auto& s : p.samples) {
    auto it = s.labels.find("meter");
    if (it != s.labels.end()) {
      EXPECT_NE(it->second, "drop") << s.name;
    }
  }
  EXPECT_EQ(p.value("dlms_bridge_meter_up", {{"meter", "keep"}}), 0);
  EXPECT_EQ(metrics->meter_ids(), std::vector<std::string>{"keep"});
  // Re-adding starts from zero: a removed meter is a new series for Prometheus.
  metrics->add_meter("drop");
  EXPECT_EQ(scrape().value("dlms_bridge_meter_polls_total", {{"meter", "drop"}}), 0);
}

TEST_F(Fixture, meter_ids_with_quotes_and_backslashes_are_escaped) {
  metrics->add_meter("odd\"id\\x");
  EXPECT_EQ(scrape().value("dlms_bridge_meter_up", {{"meter", "odd\"id\\x"}}), 0);
  EXPECT_NE(exposition.render().find(R"(meter="odd\"id\\x")"), std::string::npos);
}

TEST_F(Fixture, poll_duration_histogram_has_buckets_from_50ms_to_30s) {
  metrics->poll_duration_seconds().Observe(0.07);
  metrics->poll_duration_seconds().Observe(12);
  auto p = scrape();
  auto buckets = p.find("dlms_bridge_poll_duration_seconds_bucket");
  std::vector<std::string> les;
  for (const auto& b : buckets) les.push_back(b.labels.at("le"));
  ASSERT_FALSE(les.empty());
  EXPECT_EQ(std::stod(les.front()), 0.05);
  EXPECT_EQ(std::stod(les[les.size() - 2]), 30.0);
  EXPECT_EQ(les.back(), "+Inf");
  EXPECT_EQ(p.value("dlms_bridge_poll_duration_seconds_count"), 2);
  EXPECT_EQ(p.value("dlms_bridge_poll_duration_seconds_bucket", {{"le", "0.1"}}), 1);
}

TEST_F(Fixture, per_meter_poll_duration_is_a_summary_of_sum_and_count_only) {
  auto& a = metrics->add_meter("a");
  metrics->add_meter("b");
  a.observe_poll_duration(0.25);
  a.observe_poll_duration(1.5);
  auto p = scrape();
  EXPECT_EQ(p.type.at("dlms_bridge_meter_poll_duration_seconds"), "summary");
  EXPECT_DOUBLE_EQ(p.value("dlms_bridge_meter_poll_duration_seconds_sum", {{"meter", "a"}}), 1.75);
  EXPECT_EQ(p.value("dlms_bridge_meter_poll_duration_seconds_count", {{"meter", "a"}}), 2);
  EXPECT_EQ(p.value("dlms_bridge_meter_poll_duration_seconds_count", {{"meter", "b"}}), 0);
  // Two series per meter, no quantiles (cheap: the fleet p95 comes from the fleet histogram).
  EXPECT_TRUE(p.find("dlms_bridge_meter_poll_duration_seconds").empty());
  EXPECT_EQ(p.find("dlms_bridge_meter_poll_duration_seconds_sum").size(), 2u);
}

TEST_F(Fixture, diagnosis_info_is_one_series_per_meter_and_follows_the_symptom) {
  auto& m = metrics->add_meter("m1");
  auto p = scrape();
  ASSERT_EQ(p.find("dlms_bridge_meter_diagnosis_info", {{"meter", "m1"}}).size(), 1u);
  EXPECT_EQ(p.value("dlms_bridge_meter_diagnosis_info", {{"meter", "m1"}, {"symptom", "none"}}), 1);
  m.set_symptom("silent_after_connect");
  p = scrape();
  ASSERT_EQ(p.find("dlms_bridge_meter_diagnosis_info", {{"meter", "m1"}}).size(), 1u);
  EXPECT_EQ(p.value("dlms_bridge_meter_diagnosis_info", {{"meter", "m1"}, {"symptom", "silent_after_connect"}}), 1);
  EXPECT_TRUE(p.find("dlms_bridge_meter_diagnosis_info", {{"symptom", "none"}}).empty());
  m.set_symptom("");  // no diagnosis: none
  p = scrape();
  EXPECT_EQ(p.value("dlms_bridge_meter_diagnosis_info", {{"meter", "m1"}, {"symptom", "none"}}), 1);
  EXPECT_EQ(m.symptom(), "none");
}

TEST_F(Fixture, clock_offset_is_exported_only_once_measured) {
  auto& m = metrics->add_meter("m1");
  metrics->add_meter("m2");
  auto p = scrape();
  EXPECT_TRUE(p.find("dlms_bridge_meter_clock_offset_seconds").empty());
  m.set_clock_offset(-42.5);
  p = scrape();
  EXPECT_EQ(p.find("dlms_bridge_meter_clock_offset_seconds").size(), 1u);
  EXPECT_EQ(p.value("dlms_bridge_meter_clock_offset_seconds", {{"meter", "m1"}}), -42.5);
  m.clear_clock_offset();
  EXPECT_TRUE(scrape().find("dlms_bridge_meter_clock_offset_seconds").empty());
}

TEST_F(Fixture, readings_total_counts_apart_from_readings_published) {
  auto& m = metrics->add_meter("m1");
  m.readings_total.Increment(3);
  m.readings_published_total.Increment(2);
  auto p = scrape();
  EXPECT_EQ(p.value("dlms_bridge_meter_readings_total", {{"meter", "m1"}}), 3);
  EXPECT_EQ(p.value("dlms_bridge_meter_readings_published_total", {{"meter", "m1"}}), 2);
}

TEST_F(Fixture, publish_latency_histogram_has_buckets_from_50ms_to_30min) {
  metrics->publish_latency_seconds().Observe(1.2);
  metrics->publish_latency_seconds().Observe(900);
  auto p = scrape();
  std::vector<double> les;
  for (const auto& b : p.find("dlms_bridge_publish_latency_seconds_bucket")) {
    if (b.labels.at("le") != "+Inf") les.push_back(std::stod(b.labels.at("le")));
  }
  EXPECT_EQ(les, (std::vector<double>{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800}));
  EXPECT_EQ(p.value("dlms_bridge_publish_latency_seconds_bucket", {{"le", "2"}}), 1);
  EXPECT_EQ(p.value("dlms_bridge_publish_latency_seconds_bucket", {{"le", "1800"}}), 2);
  EXPECT_EQ(p.value("dlms_bridge_publish_latency_seconds_count"), 2);
  // Fleet-wide: no meter label.
  for (const auto& s : p.find("dlms_bridge_publish_latency_seconds_count")) EXPECT_FALSE(s.labels.count("meter"));
}

TEST_F(Fixture, build_info_carries_version_and_revision) {
  auto p = scrape();
  EXPECT_EQ(p.value("dlms_bridge_build_info", {{"version", "1.2.3"}, {"revision", "abcdef"}, {"branch", "main"}}), 1);
}

TEST(BuildInfoTest, current_comes_from_version_h) {
  auto b = BuildInfo::current();
  EXPECT_FALSE(b.version.empty());
  EXPECT_FALSE(b.revision.empty());
}

TEST_F(Fixture, every_family_name_appears_once) {
  metrics->add_meter("a");
  metrics->add_meter("b");
  auto text = exposition.render();
  auto p = scrape();
  for (const auto& [name, type] : p.type) {
    std::string needle = "# TYPE " + name + " ";
    auto first = text.find(needle);
    EXPECT_EQ(text.find(needle, first + 1), std::string::npos) << name;
  }
}

}  // namespace

// Poller-like writers, reload-like add/remove and scrapes at the same time (run under
// DLMS_SANITIZE to catch races on the containers).
namespace {

TEST(ConcurrencyTest, scrapes_while_meters_change_and_readings_arrive) {
  auto metrics = std::make_shared<BridgeMetrics>(BuildInfo{"v", "r", "b"});
  auto readings = std::make_shared<bridge::prometheus::ReadingsCollectable>();
  Exposition exposition;
  exposition.add(metrics->registry());
  exposition.add(std::static_pointer_cast<const bridge::prometheus::Collector>(metrics));
  exposition.add(std::static_pointer_cast<const bridge::prometheus::Collector>(readings));
  for (int k = 0; k < 50; ++k) metrics->add_meter("m" + std::to_string(k));
  std::atomic<bool> stop{false};
  std::thread poller([&] {
    for (int i = 0; !stop; ++i) {
      std::string id = "m" + std::to_string(i % 50);
      if (auto* m = metrics->meter(id)) m->polls_total.Increment();
      bridge::Reading r;
      r.meter = id;
      r.values.push_back(bridge::RegisterValue{"v", "1-1:32.7.0", 230.0 + i % 7, 0, 0, 35});
      readings->on_reading(r);
    }
  });
  std::thread reloader([&] {
    for (int i = 0; !stop; ++i) {
      std::string id = "x" + std::to_string(i % 20);
      metrics->add_meter(id);
      metrics->remove_meter(id);
      readings->remove_meter("m" + std::to_string(i % 50));
    }
  });
  std::size_t scrapes = 0;
  for (; scrapes < 10; ++scrapes) {
    auto p = test_exposition::parse(exposition.render());
    ASSERT_GE(p.find("dlms_bridge_meter_up").size(), 50u);
  }
  stop = true;
  poller.join();
  reloader.join();
  EXPECT_EQ(metrics->meter_ids().size(), 50u);
}

}  // namespace
