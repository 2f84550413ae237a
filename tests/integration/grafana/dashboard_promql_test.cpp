// Every PromQL expression of every panel, annotation and template variable, with Grafana's
// template variables substituted, is accepted by a real Prometheus (empty TSDB): a typo, an
// unbalanced brace or a wrong function signature fails here, not in the operator's browser.
#include <gtest/gtest.h>

#include "dashboard_model.h"
#include "testing/prometheus_server.h"

namespace grafana_test {
namespace {

using namespace std::chrono_literals;
using testing_support::PrometheusServer;
using testing_support::unix_now;

TEST(DashboardPromql, every_expression_is_accepted_by_a_real_prometheus) {
  PrometheusServer prom("global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\n");
  ASSERT_TRUE(prom.wait_ready()) << prom.log();
  // The values a user picks: multi-value variables (fleet) are regex-escaped, single ones not.
  Substitution picked;
  picked.variables = {{"job", "dlms-bridge"}, {"instance", "127.0.0.1:9947"}, {"meter", "substation-7.meter-1"}};
  // And "All" where the variable has an all value (the fleet's job and instance).
  Substitution all;
  const double now = unix_now();
  int checked = 0;
  for (const auto& d : load_dashboards()) {
    for (const auto& q : queries_of(d)) {
      for (const auto* s : {&picked, &all}) {
        if (s == &all && d.uid() != "dlms-bridge-fleet") continue;
        const std::string expr = substitute(d, q.expr, *s);
        EXPECT_EQ(expr.find('$' + std::string("__")), std::string::npos) << q.where() << ": " << expr;
        const auto answer = q.instant ? prom.query(expr) : prom.query_range(expr, now - 3600, now, 15);
        EXPECT_TRUE(answer.ok) << q.where() << ": " << answer.error << "\n  " << expr;
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 100);
}

TEST(DashboardPromql, substitution_escapes_like_grafana) {
  const auto dashboards = load_dashboards();
  const Dashboard* fleet = nullptr;
  for (const auto& d : dashboards) fleet = d.uid() == "dlms-bridge-fleet" ? &d : fleet;
  ASSERT_NE(fleet, nullptr);
  Substitution s;
  s.variables = {{"instance", "10.0.0.1:9947"}};
  s.rate_interval = "4s";
  // instance is multi-value in the fleet dashboard: regex-escaped; job unset: its "All" value.
  EXPECT_EQ(substitute(*fleet, R"x(rate(x{job=~"$job", instance=~"${instance}"}[$__rate_interval]))x", s),
            R"x(rate(x{job=~".+", instance=~"10\\.0\\.0\\.1:9947"}[4s]))x");
  EXPECT_EQ(substitute(*fleet, R"x(label_replace(x, "a", "$1", "b", "(.+)"))x", s), R"x(label_replace(x, "a", "$1", "b", "(.+)"))x");
}

}  // namespace
}  // namespace grafana_test
