// Static rules every committed dashboard must follow (Grafana itself is not packaged in Debian,
// so these check the JSON Grafana 10/11 imports): unique uids, title/unit/datasource on every
// panel, `$__rate_interval` in every rate/increase, the job/instance variables in every query,
// the QoS targets as stat thresholds, and links that lead to a dashboard that exists.
#include <gtest/gtest.h>

#include <optional>
#include <set>

#include "dashboard_model.h"

namespace grafana_test {
namespace {

using nlohmann::json;

const json kDatasource = {{"type", "prometheus"}, {"uid", "${datasource}"}};

// Unit ids of Grafana's value formats (packages/grafana-data/src/valueFormats/categories.ts)
// that a dashboard of this project may use, and the custom-unit prefixes Grafana accepts.
bool is_grafana_unit(const std::string& unit) {
  static const std::set<std::string> ids = {
      "none",    "short",   "percent",      "percentunit", "s",         "ms",       "dtdurations",     "volt",
      "kvolt",   "amp",     "watt",         "kwatt",       "voltamp",   "kvoltamp", "voltampreact",    "kvoltampreact",
      "watth",   "kwatth",  "joule",        "hertz",       "celsius",   "bytes",    "dateTimeFromNow", "bool",
      "bool_on_off", "bool_yes_no", "ops", "cps"};
  for (const char* prefix : {"suffix:", "prefix:", "si:", "count:"}) {
    if (unit.rfind(prefix, 0) == 0 && unit.size() > std::string(prefix).size()) return true;
  }
  return ids.count(unit) > 0;
}

class DashboardLint : public ::testing::Test {
 protected:
  void SetUp() override { dashboards_ = load_dashboards(); }
  std::vector<Dashboard> dashboards_;
};

TEST_F(DashboardLint, both_dashboards_exist_with_unique_uids_and_a_grafana_10_schema) {
  std::set<std::string> uids;
  for (const auto& d : dashboards_) {
    EXPECT_FALSE(d.uid().empty()) << d.file;
    EXPECT_TRUE(uids.insert(d.uid()).second) << "duplicate uid " << d.uid() << " in " << d.file;
    EXPECT_FALSE(d.json.value("title", "").empty()) << d.file;
    // A numeric id would clash with the importing Grafana's own dashboards.
    EXPECT_TRUE(!d.json.contains("id") || d.json["id"].is_null()) << d.file;
    // Grafana 10.0 writes schemaVersion 38, 11.x 39..41.
    const int schema = d.json.value("schemaVersion", 0);
    EXPECT_GE(schema, 37) << d.file;
    EXPECT_LE(schema, 41) << d.file;
    std::set<int> ids;
    std::set<std::string> titles;
    for (const auto& p : panels_of(d)) {
      EXPECT_TRUE(ids.insert(p.value("id", -1)).second) << d.uid() << ": panel id " << p["id"];
      EXPECT_TRUE(titles.insert(p.value("type", "") + ":" + p.value("title", "")).second) << d.uid() << ": two panels titled " << p["title"];
    }
  }
  EXPECT_EQ(uids, (std::set<std::string>{"dlms-bridge-fleet", "dlms-bridge-meter"}));
}

TEST_F(DashboardLint, every_panel_has_a_title_a_unit_and_the_datasource_variable) {
  int panels = 0;
  for (const auto& d : dashboards_) {
    for (const auto& p : panels_of(d)) {
      if (p.value("type", "") == "row") continue;  // a row header holds no query
      ++panels;
      const std::string where = d.uid() + " panel " + std::to_string(p.value("id", -1));
      EXPECT_FALSE(p.value("title", "").empty()) << where;
      const std::string unit = p["fieldConfig"]["defaults"].value("unit", "");
      EXPECT_TRUE(is_grafana_unit(unit)) << where << " \"" << p.value("title", "") << "\": unit \"" << unit << "\"";
      for (const auto& o : p["fieldConfig"].value("overrides", json::array())) {
        for (const auto& prop : o.value("properties", json::array())) {
          if (prop.value("id", "") == "unit") { EXPECT_TRUE(is_grafana_unit(prop["value"])) << where << ": " << prop.dump(); }
        }
      }
      EXPECT_EQ(p.value("datasource", json()), kDatasource) << where;
      ASSERT_FALSE(p.value("targets", json::array()).empty()) << where;
      std::set<std::string> refs;
      for (const auto& t : p["targets"]) {
        EXPECT_EQ(t.value("datasource", json()), kDatasource) << where;
        EXPECT_FALSE(t.value("expr", "").empty()) << where;
        EXPECT_TRUE(refs.insert(t.value("refId", "")).second) << where << ": duplicate refId";
      }
    }
  }
  EXPECT_GE(panels, 40);
}

TEST_F(DashboardLint, annotations_and_variables_query_through_the_datasource_variable) {
  for (const auto& d : dashboards_) {
    const auto& vars = d.json["templating"]["list"];
    ASSERT_FALSE(vars.empty()) << d.uid();
    EXPECT_EQ(vars[0].value("name", ""), "datasource") << d.uid();
    EXPECT_EQ(vars[0].value("type", ""), "datasource") << d.uid();
    EXPECT_EQ(vars[0].value("query", ""), "prometheus") << d.uid();
    std::vector<std::string> names;
    for (const auto& v : vars) {
      names.push_back(v.value("name", ""));
      if (v.value("type", "") == "query") { EXPECT_EQ(v.value("datasource", json()), kDatasource) << d.uid() << " " << v.dump(); }
    }
    std::vector<std::string> expected = {"datasource", "job", "instance"};
    if (d.uid() == "dlms-bridge-meter") expected.push_back("meter");
    EXPECT_EQ(names, expected) << d.uid();
    int annotations = 0;
    for (const auto& a : d.json["annotations"]["list"]) {
      if (a.contains("builtIn")) continue;
      ++annotations;
      EXPECT_EQ(a.value("datasource", json()), kDatasource) << d.uid() << " " << a.dump();
    }
    EXPECT_EQ(annotations, 2) << d.uid() << ": circuit-breaker trips and watchdog trips";
  }
}

TEST_F(DashboardLint, every_rate_and_increase_uses_rate_interval_and_no_query_hardcodes_a_window) {
  int rates = 0;
  for (const auto& d : dashboards_) {
    for (const auto& q : queries_of(d)) {
      const auto shape = shape_of(q.expr);
      for (const auto& range : shape.range_fns) {
        ++rates;
        EXPECT_EQ(range, "$__rate_interval") << q.where() << ": " << q.expr;
      }
      // Fixed windows (5m, 1h) belong in the recording rules, not in the dashboards.
      for (const auto& range : shape.ranges) EXPECT_EQ(range, "$__rate_interval") << q.where() << ": " << q.expr;
    }
  }
  EXPECT_GE(rates, 15);
}

TEST_F(DashboardLint, every_selector_of_every_query_filters_on_the_template_variables) {
  for (const auto& d : dashboards_) {
    const bool meter_dashboard = d.uid() == "dlms-bridge-meter";
    for (const auto& q : queries_of(d)) {
      const auto shape = shape_of(q.expr);
      ASSERT_FALSE(shape.selectors.empty()) << q.where() << ": " << q.expr;
      for (const auto& s : shape.selectors) {
        const std::string what = q.where() + ": selector " + s.metric + "{" + s.matchers + "} in " + q.expr;
        // symptom:dlms_bridge_advice:info is a constant lookup table (alerts/rules), the same
        // for every bridge: it has no job or instance to filter on.
        if (s.metric.rfind("symptom:", 0) == 0) continue;
        // A variable lists the values of its own label, filtered by the variables before it.
        const bool own_job = q.kind == QueryKind::variable && q.panel == "job";
        if (!own_job) { EXPECT_TRUE(s.has_braces) << what; }
        const bool own_instance = q.kind == QueryKind::variable && (q.panel == "job" || q.panel == "instance");
        const bool own_meter = q.kind == QueryKind::variable;
        if (!own_job) { EXPECT_NE(s.matchers.find("job=~\"$job\""), std::string::npos) << what; }
        if (!own_instance) { EXPECT_NE(s.matchers.find("instance=~\"$instance\""), std::string::npos) << what; }
        if (meter_dashboard && !own_meter) { EXPECT_NE(s.matchers.find("meter=~\"$meter\""), std::string::npos) << what; }
      }
    }
  }
}

// The stat panel showing `metric` has its breach boundary where the QoS target is.
struct Kpi {
  std::string metric;
  double target;
  bool at_least;   // green from the target on; otherwise green below it and the breach above
  bool inclusive;  // "≤ target": the breach step starts just above it; "< target": at it
};

TEST_F(DashboardLint, fleet_stat_panels_carry_every_qos_target_as_a_threshold) {
  const std::vector<Kpi> kpis = {
      {"instance:dlms_bridge_poll_success:ratio_rate1h", 0.98, true, true},
      {"instance:dlms_bridge_publish:ratio_rate1h", 0.95, true, true},
      {"instance:dlms_bridge_poll_duration_seconds:p95_rate5m", 2, false, true},
      {"instance:dlms_bridge_publish_latency_seconds:p95_rate5m", 2, false, true},
      {"meter:dlms_bridge_reconnects:increase1h", 2, false, false},
      {"meter:dlms_bridge_hdlc_errors:increase1h", 5, false, true},
      {"instance:dlms_bridge_uptime:ratio_avg1h", 0.99, true, true},
  };
  const Dashboard* fleet = nullptr;
  for (const auto& d : dashboards_) fleet = d.uid() == "dlms-bridge-fleet" ? &d : fleet;
  ASSERT_NE(fleet, nullptr);
  for (const auto& kpi : kpis) {
    std::optional<json> stat;
    for (const auto& p : panels_of(*fleet)) {
      if (p.value("type", "") != "stat") continue;
      for (const auto& t : p["targets"]) {
        if (t.value("expr", "").find(kpi.metric + "{") != std::string::npos) stat = p;
      }
    }
    ASSERT_TRUE(stat.has_value()) << "no stat panel for " << kpi.metric;
    const auto steps = (*stat)["fieldConfig"]["defaults"]["thresholds"]["steps"];
    ASSERT_GE(steps.size(), 2u) << kpi.metric;
    if (kpi.at_least) {
      // Red below the target, green from it on.
      EXPECT_NE(steps.front().value("color", ""), "green") << kpi.metric;
      EXPECT_EQ(steps.back().value("color", ""), "green") << kpi.metric;
      EXPECT_DOUBLE_EQ(steps.back().value("value", -1.0), kpi.target) << kpi.metric;
    } else {
      EXPECT_EQ(steps.front().value("color", ""), "green") << kpi.metric;
      const double breach = steps[1].value("value", -1.0);
      if (kpi.inclusive) {
        EXPECT_GT(breach, kpi.target) << kpi.metric << ": the target itself is still green";
        EXPECT_LT(breach, kpi.target + 0.001) << kpi.metric;
      } else {
        EXPECT_DOUBLE_EQ(breach, kpi.target) << kpi.metric;
      }
    }
  }
}

TEST_F(DashboardLint, dashboard_links_lead_to_dashboards_that_exist) {
  std::set<std::string> uids;
  for (const auto& d : dashboards_) uids.insert(d.uid());
  int links = 0;
  for (const auto& d : dashboards_) {
    const std::string text = d.json.dump();
    for (auto pos = text.find("/d/"); pos != std::string::npos; pos = text.find("/d/", pos + 3)) {
      const auto end = text.find('/', pos + 3);
      ASSERT_NE(end, std::string::npos);
      ++links;
      EXPECT_TRUE(uids.count(text.substr(pos + 3, end - pos - 3))) << d.uid() << ": link to " << text.substr(pos, 40);
    }
  }
  EXPECT_GE(links, 1) << "the worst-meters table links to the meter dashboard";
}

}  // namespace
}  // namespace grafana_test
