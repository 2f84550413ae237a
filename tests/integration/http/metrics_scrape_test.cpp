// /metrics against the real tools: promtool's linter and a real Prometheus scraping the server.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "fixture.h"
#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using testing_support::http;

TEST(MetricsScrapeTest, promtool_check_metrics_passes) {
  http_it::MetricsServer s(3);
  auto* m = s.metrics->meter("meter-2");
  m->poll_failure(bridge::labels::PollFailure::timeout).Increment();
  m->hdlc_error(bridge::labels::HdlcError::fcs).Increment(2);
  auto r = http("GET", s.server->port(), "/metrics");
  ASSERT_EQ(r.status, 200);
  auto lint = testing_support::run({"promtool", "check", "metrics"}, 30s, r.body);
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  // A guard against an empty pass: the body really holds the families.
  EXPECT_NE(r.body.find("dlms_bridge_meter_hdlc_errors_total{meter=\"meter-2\",kind=\"fcs\"} 2"), std::string::npos);
  EXPECT_NE(r.body.find("process_start_time_seconds "), std::string::npos);
}

TEST(MetricsScrapeTest, gzip_body_is_what_curl_decompresses) {
  http_it::MetricsServer s(2);
  auto url = s.server->url() + "/metrics";
  auto raw = testing_support::run({"curl", "-sS", "-H", "Accept-Encoding: gzip", "-D", "-", "-o", "/dev/null", url});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_NE(raw.out.find("Content-Encoding: gzip"), std::string::npos) << raw.out;
  auto decoded = testing_support::run({"curl", "-sS", "--compressed", url});
  ASSERT_EQ(decoded.exit_code, 0) << decoded.err;
  EXPECT_NE(decoded.out.find("dlms_bridge_meter_up{meter=\"meter-2\"} 1"), std::string::npos);
  auto lint = testing_support::run({"promtool", "check", "metrics"}, 30s, decoded.out);
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
}

struct Prometheus {
  testing_support::TempDir dir;
  int port = testing_support::free_port();
  testing_support::Child child;

  explicit Prometheus(int target_port) {
    testing_support::write_file(dir / "prometheus.yml",
                                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                                "scrape_configs:\n  - job_name: dlms-bridge\n    static_configs:\n"
                                "      - targets: ['127.0.0.1:" +
                                    std::to_string(target_port) + "']\n");
    child = testing_support::Child({"prometheus", "--config.file=" + (dir / "prometheus.yml").string(),
                                    "--web.listen-address=127.0.0.1:" + std::to_string(port),
                                    "--storage.tsdb.path=" + (dir / "data").string()},
                                   dir / "prometheus.log");
  }

  // Instant query; the `result` array (empty on any error).
  nlohmann::json query(const std::string& promql) const {
    auto r = http("GET", port, "/api/v1/query?query=" + testing_support::url_encode(promql), {}, {}, 5s);
    if (r.status != 200) return nlohmann::json::array();
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_discarded() || j["status"] != "success") return nlohmann::json::array();
    return j["data"]["result"];
  }
};

double value_of(const nlohmann::json& sample) { return std::stod(sample["value"][1].get<std::string>()); }

TEST(MetricsScrapeTest, real_prometheus_scrapes_qos_series_rates_and_readings) {
  http_it::MetricsServer s(3);
  s.metrics->meter("meter-3")->up.Set(0);  // one meter down
  // Counters move while Prometheus scrapes, like a poller at a 200 ms cadence.
  std::atomic<bool> stop{false};
  std::thread poller([&] {
    while (!stop) {
      for (int k = 1; k <= 2; ++k) s.poll(k, 230.0 + k);
      std::this_thread::sleep_for(200ms);
    }
  });
  Prometheus prom(s.server->port());
  ASSERT_TRUE(testing_support::wait_for_port(prom.port, 30s)) << prom.child.log();

  nlohmann::json up;
  ASSERT_TRUE(testing_support::wait_until(
      [&] {
        up = prom.query("dlms_bridge_meter_up");
        return up.size() == 3;
      },
      60s))
      << prom.child.log();
  for (const auto& series : up) {
    EXPECT_EQ(series["metric"]["job"], "dlms-bridge");
    EXPECT_EQ(value_of(series), series["metric"]["meter"] == "meter-3" ? 0 : 1) << series.dump();
  }

  nlohmann::json rate;
  ASSERT_TRUE(testing_support::wait_until(
      [&] {
        rate = prom.query("rate(dlms_bridge_meter_polls_total{meter=\"meter-1\"}[1m]) > 0");
        return rate.size() == 1;
      },
      60s))
      << prom.child.log();
  EXPECT_GT(value_of(rate[0]), 0);

  auto volts = prom.query("dlms_bridge_reading_volts{meter=\"meter-2\",obis=\"1-1:32.7.0\"}");
  ASSERT_EQ(volts.size(), 1u);
  EXPECT_EQ(value_of(volts[0]), 232.0);
  auto joules = prom.query("dlms_bridge_reading_joules{meter=\"meter-1\"}");
  ASSERT_EQ(joules.size(), 1u);
  EXPECT_EQ(value_of(joules[0]), 56281.0 * 3600);
  // The target is healthy from Prometheus's point of view too.
  auto target_up = prom.query("up{job=\"dlms-bridge\"}");
  ASSERT_EQ(target_up.size(), 1u);
  EXPECT_EQ(value_of(target_up[0]), 1);

  // A meter removed by a reload disappears from the scrape (Prometheus marks it stale).
  s.metrics->remove_meter("meter-3");
  s.readings->remove_meter("meter-3");
  EXPECT_TRUE(testing_support::wait_until([&] { return prom.query("dlms_bridge_meter_up").size() == 2; }, 30s));

  stop = true;
  poller.join();
}

}  // namespace
