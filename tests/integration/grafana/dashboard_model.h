#pragma once
// The committed Grafana dashboards (grafana/dashboards/*.json) as the tests see them: every
// PromQL query of every panel, annotation and template variable, and Grafana's template
// variable substitution, so that queries can be sent to a real Prometheus.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace grafana_test {

struct Dashboard {
  std::filesystem::path file;
  nlohmann::json json;
  std::string uid() const { return json.value("uid", ""); }
};

enum class QueryKind { panel, annotation, variable };

struct Query {
  std::string dashboard;    // uid
  QueryKind kind = QueryKind::panel;
  std::string panel;        // panel title, annotation name or variable name
  std::string ref;          // refId (panels)
  std::string expr;         // PromQL; for a label_values() variable, its series selector
  std::string label;        // label_values() variables: the label whose values are listed
  bool instant = false;     // instant query (stat, table) rather than a range query
  std::string where() const;  // "dashboard / panel [ref]" for messages
};

// Loads every grafana/dashboards/*.json of the source tree; throws with the file name when one is
// not valid JSON.
std::vector<Dashboard> load_dashboards();
// Panels in layout order, row headers included (type "row").
std::vector<nlohmann::json> panels_of(const Dashboard& dashboard);
std::vector<Query> queries_of(const Dashboard& dashboard);

// Values for Grafana's template variables, substituted the way Grafana's Prometheus data source
// does it: the value of a multi-value or "All" variable is regex-escaped (`.` -> `\\.`), that of
// a single-value variable only has its backslashes doubled; `$__rate_interval` and `$__interval`
// become durations. A variable without a value gets its "All" value when it has one.
struct Substitution {
  std::map<std::string, std::string> variables;  // name -> one selected value
  std::string rate_interval = "1m";
  std::string interval = "15s";
};
std::string substitute(const Dashboard& dashboard, const std::string& expr, const Substitution& s);

// Lexical view of a PromQL expression outside string literals: the metric names of its vector
// selectors (with whether braces follow), the label-matcher blocks and the range durations.
struct PromqlShape {
  struct Selector {
    std::string metric;    // empty for a `{...}` selector without a name
    std::string matchers;  // text between the braces, empty when there are none
    bool has_braces = false;
  };
  std::vector<Selector> selectors;
  std::vector<std::string> ranges;     // text between [ and ]
  std::vector<std::string> range_fns;  // rate/irate/increase calls: their range text ("" if none)
};
PromqlShape shape_of(const std::string& expr);

}  // namespace grafana_test
