// Every panel of both dashboards shows data: a real Prometheus (1 s scrape and rule evaluation,
// the recording rules of alerts/rules/ loaded) scrapes a real `dlms-bridge run` polling
// dlms-meter-sim with a healthy meter (m1) and a flapping one (m2: corrupted frames and dropped
// connections, with breaker and watchdog limits scaled down so that they trip within seconds).
// m2 also backfills the simulator's load profile 1-0:99.1.0 (the backfill panels' series), every
// 2 s: a profile read that a flap breaks is retried one interval later, not at the reconnect.
//
// Substitutions, as Grafana would make them for this data source:
// - `$__rate_interval` = 4 s: Grafana's lower bound, four scrape intervals (1 s here, 15 s in
//   deploy/prometheus.yml, where it becomes 1 m);
// - panels with range queries are evaluated over the whole run at a 1 s step, as Grafana does
//   for its time range; stat and table panels are instant queries;
// - the recording rules' fixed 5 m and 1 h windows need no waiting: rate() and increase() give a
//   value as soon as two samples fall in the window, i.e. two seconds after the first scrape.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "bridge_stack.h"
#include "dashboard_model.h"
#include "testing/prometheus_server.h"

namespace grafana_test {
namespace {

using namespace std::chrono_literals;
using testing_support::PrometheusServer;
using testing_support::unix_now;
using testing_support::wait_until;

// Reading families the simulator's Microstar profile has no register for (it serves V, A, Hz,
// W, power factor and Wh). Queries of these families are allowed to be empty, as long as
// another query of the same panel shows data.
const std::set<std::string> kFamiliesNotSimulated = {"dlms_bridge_reading_voltamperes", "dlms_bridge_reading_vars",
                                                     "dlms_bridge_reading_voltampere_seconds",
                                                     "dlms_bridge_reading_var_seconds"};

bool queries_unsimulated_family(const std::string& expr) {
  for (const auto& s : shape_of(expr).selectors) {
    if (kFamiliesNotSimulated.count(s.metric)) return true;
  }
  return false;
}

e2e::StackOptions flapping_meter_stack() {
  e2e::StackOptions o;
  o.meters = 2;
  o.poll_interval = "1s";
  o.request_timeout = "500ms";
  // Scaled-down limits so the breaker and the watchdogs trip within seconds.
  o.extra_qos =
      "breaker_max_reconnects = 3\nbreaker_window = \"1m\"\nbreaker_open = \"2s\"\n"
      "max_consecutive_hdlc_errors = 2\nmax_consecutive_failed_cycles = 2\nread_retries = 0\n";
  o.sim_scenario = "[[meter]]\nid = 2\ncorrupt_fcs = 0.1\ndisconnect = 0.03\n";
  // m2 (the last [[meter]]) also reads the power factor, so the ratio family has data.
  o.extra_config =
      "[[meter.register]]\nkey = \"voltage_l1\"\nobis = \"1-1:32.7.0\"\n"
      "[[meter.register]]\nkey = \"current_l1\"\nobis = \"1-1:31.7.0\"\n"
      "[[meter.register]]\nkey = \"frequency\"\nobis = \"1-1:14.7.0\"\n"
      "[[meter.register]]\nkey = \"active_power\"\nobis = \"1-1:1.7.0\"\n"
      "[[meter.register]]\nkey = \"power_factor\"\nobis = \"1-1:13.7.0\"\n"
      "[[meter.register]]\nkey = \"active_energy\"\nobis = \"1-1:1.8.0\"\n"
      "[[meter.profile]]\nobis = \"1-0:99.1.0\"\nbackfill = \"2h\"\ninterval = \"2s\"\n";
  return o;
}

std::string prometheus_config(int bridge_port) {
  const std::string rules = testing_support::source("alerts/rules");
  return "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
         "rule_files:\n  - " + rules + "/*.yml\n"
         "scrape_configs:\n  - job_name: dlms-bridge\n    static_configs:\n      - targets: ['127.0.0.1:" +
         std::to_string(bridge_port) + "']\n";
}

TEST(DashboardData, every_panel_shows_data_from_a_bridge_polling_a_healthy_and_a_flapping_meter) {
  ASSERT_FALSE(std::filesystem::is_empty(testing_support::source("alerts/rules"))) << "the recording rules";
  e2e::BridgeStack stack(flapping_meter_stack());
  stack.start_bridge();
  ASSERT_TRUE(stack.wait_ready()) << stack.logs();
  PrometheusServer prom(prometheus_config(stack.http_port()));
  ASSERT_TRUE(prom.wait_ready()) << prom.log();
  const double start = unix_now();

  // The flapping meter has tripped its breaker and a watchdog (the annotations' events), and
  // its load profile reached the outbox (the backfill lag exists from the first row).
  ASSERT_TRUE(wait_until(
      [&] {
        return !prom.query("dlms_bridge_meter_circuit_breaker_trips_total{meter=\"m2\"} > 0").result.empty() &&
               !prom.query("sum(dlms_bridge_meter_watchdog_trips_total{meter=\"m2\"}) > 0").result.empty() &&
               !prom.query("dlms_bridge_meter_profile_backfill_lag_seconds{meter=\"m2\"}").result.empty();
      },
      60s))
      << "m2 never tripped its breaker and a watchdog, or never backfilled its profile\n" << stack.logs();

  Substitution s;
  s.variables = {{"job", "dlms-bridge"}, {"instance", "127.0.0.1:" + std::to_string(stack.http_port())}, {"meter", "m2"}};
  s.rate_interval = "4s";
  s.interval = "1s";
  struct Pending {
    Query query;
    std::string expr;
  };
  std::vector<Pending> pending;
  std::map<std::string, int> queries_per_panel;
  for (const auto& d : load_dashboards()) {
    for (const auto& q : queries_of(d)) {
      pending.push_back({q, substitute(d, q.expr, s)});
      ++queries_per_panel[q.dashboard + "/" + q.panel];
    }
  }
  ASSERT_GE(pending.size(), 60u);

  // Rules evaluate every second; keep asking until every query has data (or the deadline).
  std::map<std::string, std::string> empty;  // where -> last answer
  std::set<std::string> panels_with_data;
  wait_until(
      [&] {
        empty.clear();
        for (const auto& p : pending) {
          const auto answer = p.query.instant ? prom.query(p.expr) : prom.query_range(p.expr, start, unix_now(), 1);
          bool has_data = answer.ok && !answer.result.empty();
          // A label_values() variable must list values of its label.
          if (has_data && !p.query.label.empty()) has_data = answer.result[0]["metric"].contains(p.query.label);
          if (has_data) {
            panels_with_data.insert(p.query.dashboard + "/" + p.query.panel);
          } else if (!queries_unsimulated_family(p.expr)) {
            empty[p.query.where()] = p.expr + "\n    -> " + (answer.ok ? "no data" : answer.error);
          }
        }
        return empty.empty();
      },
      45s);
  for (const auto& [where, why] : empty) ADD_FAILURE() << where << ": " << why;
  for (const auto& [panel, n] : queries_per_panel) EXPECT_TRUE(panels_with_data.count(panel)) << panel << " shows no data";

  // The data means what the panels say: every meter is in exactly one state, the flapping meter
  // heads the worst-meters table, and the healthy one is diagnosed `none` with its advice joined.
  const auto dashboards = load_dashboards();
  auto answer_of = [&](const std::string& uid, const std::string& panel, const std::string& ref, const Substitution& with) {
    for (const auto& d : dashboards) {
      for (const auto& q : queries_of(d)) {
        if (d.uid() == uid && q.panel == panel && q.ref == ref) return prom.query(substitute(d, q.expr, with)).result;
      }
    }
    ADD_FAILURE() << "no query " << uid << " / " << panel << " [" << ref << "]";
    return nlohmann::json::array();
  };
  auto value_of = [](const nlohmann::json& sample) { return std::stod(sample["value"][1].get<std::string>()); };
  double meters = 0;
  for (const char* ref : {"A", "B", "C", "D"}) {
    for (const auto& sample : answer_of("dlms-bridge-fleet", "Meters by state", ref, s)) meters += value_of(sample);
  }
  EXPECT_EQ(meters, 2.0) << "each meter counted in exactly one state";
  const auto worst = answer_of("dlms-bridge-fleet", "Worst meters (by poll success, 1h)", "A", s);
  ASSERT_EQ(worst.size(), 2u) << worst.dump();
  const auto& lowest = value_of(worst[0]) <= value_of(worst[1]) ? worst[0] : worst[1];
  EXPECT_EQ(lowest["metric"].value("meter", ""), "m2") << worst.dump();
  Substitution healthy = s;
  healthy.variables["meter"] = "m1";
  const auto advice = answer_of("dlms-bridge-meter", "What to do", "A", healthy);
  ASSERT_EQ(advice.size(), 1u) << advice.dump();
  EXPECT_EQ(advice[0]["metric"].value("symptom", ""), "none") << advice.dump();
  EXPECT_FALSE(advice[0]["metric"].value("action", "").empty()) << advice.dump();
  // The backfill caught up: the profile's newest row is the last quarter hour the meter's clock
  // passed, so the lag shown is under one capture period (plus a scrape), never the 2 h horizon.
  const auto lag = answer_of("dlms-bridge-meter", "Backfill lag per profile", "A", s);
  ASSERT_EQ(lag.size(), 1u) << lag.dump();
  EXPECT_EQ(lag[0]["metric"].value("profile", ""), "1-0:99.1.0") << lag.dump();
  EXPECT_GE(value_of(lag[0]), 0.0) << lag.dump();
  EXPECT_LT(value_of(lag[0]), 900.0 + 60.0) << lag.dump();
  if (HasFailure()) ADD_FAILURE() << "prometheus:\n" << prom.log() << "\n" << stack.logs();
}

}  // namespace
}  // namespace grafana_test
