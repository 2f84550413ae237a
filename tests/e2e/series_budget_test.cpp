// Series budget end to end: the real dlms-bridge's /metrics honours [http] metric_allowlist,
// metric_denylist and per_meter_breakdown, a reload switches them, and a real Prometheus scraping
// the bridge stores exactly the allowed series.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "bridge_stack.h"
#include "testing/process.h"
#include "testing/prometheus_server.h"

namespace {

using namespace std::chrono_literals;
using e2e::BridgeStack;
using e2e::StackOptions;
using nlohmann::json;
using testing_support::run;
using testing_support::wait_until;

// Family names that have at least one sample, and the samples carrying `label` (e.g. meter="m1").
struct Scrape {
  std::set<std::string> families;
  std::vector<std::string> series_of_meter;
};

Scrape parse(const std::string& body, const std::string& meter) {
  Scrape s;
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      auto name = line.substr(7);
      s.families.insert(name.substr(0, name.find(' ')));
    } else if (!line.empty() && line[0] != '#' && line.find("meter=\"" + meter + "\"") != std::string::npos) {
      s.series_of_meter.push_back(line.substr(0, line.rfind(' ')));
    }
  }
  return s;
}

bool meters_up(const BridgeStack& s, int n) {
  for (int k = 1; k <= n; ++k) {
    if (s.metric("dlms_bridge_meter_polls_total{meter=\"m" + std::to_string(k) + "\"}").value_or(0) < 1) return false;
  }
  return true;
}

class SeriesBudget : public ::testing::Test {
 protected:
  void start(StackOptions options) {
    stack_ = std::make_unique<BridgeStack>(std::move(options));
    stack_->start_bridge();
    ASSERT_TRUE(stack_->wait_ready()) << stack_->logs();
  }
  void TearDown() override {
    if (HasFailure() && stack_) std::cerr << stack_->logs();
  }
  std::unique_ptr<BridgeStack> stack_;
};

constexpr const char* kBudget =
    "per_meter_breakdown = false\n"
    "metric_denylist = [\"dlms_bridge_meter_(reconnects|hdlc_errors)_total\", \"dlms_bridge_reading_amperes\", "
    "\"process_.*\"]\n";

TEST_F(SeriesBudget, denylist_and_totals_only_shape_the_scrape_and_a_reload_restores_it) {
  StackOptions o;
  o.meters = 2;
  o.mqtt = false;
  o.extra_http = kBudget;
  start(o);
  auto& s = *stack_;
  ASSERT_TRUE(wait_until([&] { return meters_up(s, 2); }, 20s)) << s.metrics();

  const auto body = s.metrics();
  auto lint = run({"promtool", "check", "metrics"}, 30s, body);
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  // The gzip answer (ChunkedGzip) as curl decodes it is valid exposition text of the same series.
  auto gz = run({"curl", "-sS", "--compressed", "-D", (s.dir() / "gzip-headers.txt").string(),
                 "http://127.0.0.1:" + std::to_string(s.http_port()) + "/metrics"},
                30s);
  ASSERT_EQ(gz.exit_code, 0) << gz.err;
  EXPECT_NE(testing_support::read_file(s.dir() / "gzip-headers.txt").find("Content-Encoding: gzip"), std::string::npos);
  auto gz_lint = run({"promtool", "check", "metrics"}, 30s, gz.out);
  EXPECT_EQ(gz_lint.exit_code, 0) << gz_lint.out << gz_lint.err;
  EXPECT_EQ(parse(gz.out, "m1").families, parse(body, "m1").families);
  const auto budget = parse(body, "m1");
  for (const char* gone : {"dlms_bridge_meter_reconnects_total", "dlms_bridge_meter_hdlc_errors_total",
                           "dlms_bridge_reading_amperes", "process_resident_memory_bytes"}) {
    EXPECT_FALSE(budget.families.contains(gone)) << gone;
    EXPECT_EQ(body.find(std::string(gone) + "{"), std::string::npos) << gone;
  }
  for (const char* kept : {"dlms_bridge_meter_up", "dlms_bridge_meter_polls_total", "dlms_bridge_reading_volts",
                           "dlms_bridge_meter_poll_failures_total", "dlms_bridge_build_info"}) {
    EXPECT_TRUE(budget.families.contains(kept)) << kept;
  }
  // Totals without the breakdown label: one series per meter, same family name.
  EXPECT_EQ(s.metric("dlms_bridge_meter_poll_failures_total{meter=\"m1\"}"), 0.0) << body;
  EXPECT_EQ(s.metric("dlms_bridge_meter_watchdog_trips_total{meter=\"m1\",watchdog=\"silence\"}"), 0.0) << body;
  EXPECT_EQ(body.find("dlms_bridge_meter_poll_failures_total{meter=\"m1\",reason="), std::string::npos);

  // SIGHUP with the [http] budget removed: every family and the breakdown come back.
  auto text = s.config_text({1, 2});
  text.erase(text.find(kBudget), std::string(kBudget).size());
  testing_support::write_file(s.config_path(), text);
  s.bridge().signal(SIGHUP);
  ASSERT_TRUE(wait_until([&] {
    return s.metric("dlms_bridge_meter_poll_failures_total{meter=\"m1\",reason=\"timeout\"}").has_value();
  }, 15s)) << s.metrics();
  const auto full = parse(s.metrics(), "m1");
  for (const char* back : {"dlms_bridge_meter_reconnects_total", "dlms_bridge_meter_hdlc_errors_total",
                           "dlms_bridge_reading_amperes", "process_resident_memory_bytes"}) {
    EXPECT_TRUE(full.families.contains(back)) << back;
  }
  // What the budget saved on m1: 9 reasons + 10 causes + 11 kinds became 3 totals (27), and the
  // two denied totals plus the amperes reading went (3). exporters/prometheus/README.md states it.
  EXPECT_EQ(full.series_of_meter.size() - budget.series_of_meter.size(), 30u) << s.metrics();
}

// Schedule accounting on a real scrape: the families exist with the documented labels and
// types, a healthy meter owes slots and polls them on time, and a healthy meter costs the
// number of series exporters/prometheus/README.md states (59 with the 5 default registers).
TEST_F(SeriesBudget, slot_accounting_families_are_served_with_the_documented_labels) {
  StackOptions o;
  o.meters = 2;
  o.mqtt = false;
  o.extra_qos = "max_start_lateness = \"900ms\"\n";  // of 1 s: a loaded test machine stays on time
  start(o);
  auto& s = *stack_;
  ASSERT_TRUE(wait_until([&] {
    return s.metric("dlms_bridge_meter_poll_slots_due_total{meter=\"m1\"}").value_or(0) >= 3 &&
           s.metric("dlms_bridge_meter_clock_offset_seconds{meter=\"m1\"}").has_value();
  }, 30s)) << s.metrics();
  const auto body = s.metrics();
  auto lint = run({"promtool", "check", "metrics"}, 30s, body);
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  for (const char* family : {"dlms_bridge_meter_poll_slots_due_total", "dlms_bridge_meter_poll_slots_missed_total"}) {
    EXPECT_NE(body.find(std::string("# TYPE ") + family + " counter\n"), std::string::npos) << family;
    // One series per meter, labelled `meter` only.
    for (const char* meter : {"m1", "m2"}) {
      const std::string series = std::string(family) + "{meter=\"" + meter + "\"} ";
      EXPECT_NE(body.find("\n" + series), std::string::npos) << series;
    }
  }
  EXPECT_NE(body.find("# TYPE dlms_bridge_poll_start_lateness_seconds histogram\n"), std::string::npos);
  EXPECT_NE(body.find("\ndlms_bridge_poll_start_lateness_seconds_bucket{le=\"0.001\"} "), std::string::npos);
  EXPECT_NE(body.find("\ndlms_bridge_poll_start_lateness_seconds_bucket{le=\"60\"} "), std::string::npos);
  EXPECT_GE(s.metric("dlms_bridge_poll_start_lateness_seconds_count").value_or(0), 3);
  EXPECT_EQ(s.metric("dlms_bridge_meter_poll_slots_missed_total{meter=\"m1\"}"), 0.0) << body;
  // The REST API shows the same counters.
  auto api = json::parse(s.get("/api/v1/meters/m1").body, nullptr, false);
  ASSERT_FALSE(api.is_discarded());
  EXPECT_GE(api["counters"]["slots_due"].get<double>(), 3);
  EXPECT_EQ(api["counters"]["slots_missed"].get<double>(), 0);
  // The series budget of a healthy meter.
  EXPECT_EQ(parse(body, "m1").series_of_meter.size(), 59u) << body;
}

TEST_F(SeriesBudget, prometheus_stores_only_the_allowed_families) {
  StackOptions o;
  o.meters = 2;
  o.mqtt = false;
  o.extra_http = "metric_allowlist = [\"dlms_bridge_meter_up\", \"dlms_bridge_meter_polls_.*\"]\n";
  start(o);
  auto& s = *stack_;
  ASSERT_TRUE(wait_until([&] { return meters_up(s, 2); }, 20s)) << s.metrics();

  testing_support::PrometheusServer prom(testing_support::one_target_config(s.http_port()));
  ASSERT_TRUE(prom.wait_ready(20s)) << prom.log();
  auto query = [&](const std::string& q) { return prom.query(q).result; };
  // Two meters, two families: polls_total matches the pattern, poll_failures_total does not.
  ASSERT_TRUE(wait_until([&] {
    auto r = query("scrape_samples_scraped{job=\"dlms-bridge\"}");
    return r.size() == 1 && r[0]["value"][1] == "4";
  }, 40s)) << query("scrape_samples_scraped").dump() << s.metrics() << prom.log();
  auto names = query("count by (__name__) ({job=\"dlms-bridge\", meter=\"m1\"})");
  std::set<std::string> stored;
  for (const auto& r : names) stored.insert(r["metric"]["__name__"].get<std::string>());
  EXPECT_EQ(stored, (std::set<std::string>{"dlms_bridge_meter_up", "dlms_bridge_meter_polls_total"})) << names.dump();
}

}  // namespace
