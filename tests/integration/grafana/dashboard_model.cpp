#include "dashboard_model.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "testing/process.h"

namespace grafana_test {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Query::where() const {
  static const char* kinds[] = {"panel", "annotation", "variable"};
  return dashboard + " / " + kinds[static_cast<int>(kind)] + " \"" + panel + "\"" + (ref.empty() ? "" : " [" + ref + "]");
}

std::vector<Dashboard> load_dashboards() {
  std::vector<Dashboard> out;
  const fs::path dir = testing_support::source("grafana/dashboards");
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    auto parsed = json::parse(testing_support::read_file(entry.path()), nullptr, false);
    if (parsed.is_discarded()) throw std::runtime_error(entry.path().string() + ": not valid JSON");
    out.push_back({entry.path(), std::move(parsed)});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.file < b.file; });
  return out;
}

std::vector<json> panels_of(const Dashboard& dashboard) {
  std::vector<json> out;
  for (const auto& panel : dashboard.json.value("panels", json::array())) {
    out.push_back(panel);
    // A collapsed row keeps its panels inside it.
    for (const auto& inner : panel.value("panels", json::array())) out.push_back(inner);
  }
  return out;
}

namespace {

// "label_values(selector, label)" -> {selector, label}; empty when the query has another form.
std::pair<std::string, std::string> split_label_values(const std::string& q) {
  const std::string prefix = "label_values(";
  if (q.rfind(prefix, 0) != 0 || q.back() != ')') return {};
  const std::string inner = q.substr(prefix.size(), q.size() - prefix.size() - 1);
  const auto comma = inner.rfind(',');
  if (comma == std::string::npos) return {};
  auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(' '));
    s.erase(s.find_last_not_of(' ') + 1);
    return s;
  };
  return {trim(inner.substr(0, comma)), trim(inner.substr(comma + 1))};
}

}  // namespace

std::vector<Query> queries_of(const Dashboard& dashboard) {
  std::vector<Query> out;
  for (const auto& panel : panels_of(dashboard)) {
    for (const auto& target : panel.value("targets", json::array())) {
      Query q;
      q.dashboard = dashboard.uid();
      q.panel = panel.value("title", "");
      q.ref = target.value("refId", "");
      q.expr = target.value("expr", "");
      q.instant = target.value("instant", false) && !target.value("range", false);
      out.push_back(q);
    }
  }
  for (const auto& annotation : dashboard.json["annotations"].value("list", json::array())) {
    if (annotation.contains("builtIn")) continue;
    Query q;
    q.dashboard = dashboard.uid();
    q.kind = QueryKind::annotation;
    q.panel = annotation.value("name", "");
    q.expr = annotation.value("expr", "");
    out.push_back(q);
  }
  for (const auto& variable : dashboard.json["templating"].value("list", json::array())) {
    if (variable.value("type", "") != "query") continue;
    const auto& raw = variable["query"];
    const std::string text = raw.is_string() ? raw.get<std::string>() : raw.value("query", "");
    Query q;
    q.dashboard = dashboard.uid();
    q.kind = QueryKind::variable;
    q.panel = variable.value("name", "");
    std::tie(q.expr, q.label) = split_label_values(text);
    if (q.expr.empty()) q.expr = text;
    q.instant = true;
    out.push_back(q);
  }
  return out;
}

namespace {

std::string regular_escape(const std::string& v) {
  std::string out;
  for (char c : v) out += (c == '\\') ? std::string("\\\\") : std::string(1, c);
  return out;
}

// Grafana's prometheusSpecialRegexEscape: a regex metacharacter gets a backslash, written as
// `\\` inside the PromQL string literal.
std::string regex_escape(const std::string& v) {
  static const std::string meta = "$^*{}[]'+?.()|";
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\\\\\";
    } else if (meta.find(c) != std::string::npos) {
      out += "\\\\";
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

bool is_ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }

}  // namespace

std::string substitute(const Dashboard& dashboard, const std::string& expr, const Substitution& s) {
  std::map<std::string, std::string> values = {{"__rate_interval", s.rate_interval}, {"__interval", s.interval}};
  std::set<std::string> missing;
  for (const auto& variable : dashboard.json["templating"].value("list", json::array())) {
    const std::string name = variable.value("name", "");
    if (variable.value("type", "") != "query") continue;
    const bool regex = variable.value("multi", false) || variable.value("includeAll", false);
    auto given = s.variables.find(name);
    if (given != s.variables.end()) {
      values[name] = regex ? regex_escape(given->second) : regular_escape(given->second);
    } else if (variable.contains("allValue")) {
      values[name] = variable["allValue"].get<std::string>();
    } else {
      missing.insert(name);
    }
  }
  std::string out;
  for (size_t i = 0; i < expr.size();) {
    if (expr[i] != '$') {
      out += expr[i++];
      continue;
    }
    const bool braced = i + 1 < expr.size() && expr[i + 1] == '{';
    size_t start = i + (braced ? 2 : 1), end = start;
    while (end < expr.size() && (std::isalnum(static_cast<unsigned char>(expr[end])) || expr[end] == '_')) ++end;
    const std::string name = expr.substr(start, end - start);
    if (missing.count(name)) throw std::runtime_error("no value for $" + name + " in: " + expr);
    auto value = values.find(name);
    if (name.empty() || value == values.end() || (braced && (end >= expr.size() || expr[end] != '}'))) {
      out += expr[i++];  // not a variable we know ("$1" in label_replace): keep as is
      continue;
    }
    out += value->second;
    i = end + (braced ? 1 : 0);
  }
  return out;
}

namespace {

size_t skip_string(const std::string& e, size_t i) {
  const char quote = e[i];
  for (++i; i < e.size() && e[i] != quote; ++i) {
    if (e[i] == '\\' && quote != '`') ++i;
  }
  return i + 1;
}

// Index just past the bracket that closes the one at `open` (strings skipped).
size_t skip_group(const std::string& e, size_t open) {
  const char o = e[open], c = o == '(' ? ')' : o == '{' ? '}' : ']';
  int depth = 0;
  for (size_t i = open; i < e.size();) {
    if (e[i] == '"' || e[i] == '\'' || e[i] == '`') {
      i = skip_string(e, i);
      continue;
    }
    if (e[i] == o) ++depth;
    if (e[i] == c && --depth == 0) return i + 1;
    ++i;
  }
  throw std::runtime_error("unbalanced '" + std::string(1, o) + "' in: " + e);
}

size_t skip_spaces(const std::string& e, size_t i) {
  while (i < e.size() && std::isspace(static_cast<unsigned char>(e[i]))) ++i;
  return i;
}

}  // namespace

PromqlShape shape_of(const std::string& e) {
  static const std::set<std::string> grouping = {"by", "without", "on", "ignoring", "group_left", "group_right"};
  static const std::set<std::string> operators = {"bool", "and", "or", "unless", "offset", "atan2", "inf", "nan"};
  static const std::set<std::string> range_functions = {"rate", "irate", "increase"};
  PromqlShape shape;
  for (size_t i = 0; i < e.size();) {
    const char ch = e[i];
    if (ch == '"' || ch == '\'' || ch == '`') {
      i = skip_string(e, i);
    } else if (ch == '{') {
      const size_t end = skip_group(e, i);
      shape.selectors.push_back({"", e.substr(i + 1, end - i - 2), true});
      i = end;
    } else if (ch == '[') {
      const size_t end = skip_group(e, i);
      shape.ranges.push_back(e.substr(i + 1, end - i - 2));
      i = end;
    } else if (std::isdigit(static_cast<unsigned char>(ch))) {
      while (i < e.size() && (std::isalnum(static_cast<unsigned char>(e[i])) || e[i] == '.')) ++i;
    } else if (is_ident(ch)) {
      size_t end = i;
      while (end < e.size() && is_ident(e[end])) ++end;
      const std::string word = e.substr(i, end - i);
      const size_t next = skip_spaces(e, end);
      const char after = next < e.size() ? e[next] : '\0';
      // `sum by (...) (...)`: an aggregation whose grouping comes before its argument.
      const bool aggregation = e.compare(next, 3, "by ") == 0 || e.compare(next, 3, "by(") == 0 ||
                               e.compare(next, 7, "without") == 0;
      if (aggregation && !grouping.count(word)) {
        i = end;
      } else if (grouping.count(word)) {
        i = after == '(' ? skip_group(e, next) : next;  // label list, not metric names
      } else if (operators.count(word)) {
        i = end;
      } else if (after == '(') {
        if (range_functions.count(word)) {
          const size_t close = skip_group(e, next);
          std::string arg = e.substr(next + 1, close - next - 2);
          arg.erase(arg.find_last_not_of(' ') + 1);
          const auto open = arg.rfind('[');
          shape.range_fns.push_back(!arg.empty() && arg.back() == ']' && open != std::string::npos
                                        ? arg.substr(open + 1, arg.size() - open - 2)
                                        : "");
        }
        i = end;  // a function: its arguments are scanned next
      } else if (after == '{') {
        const size_t close = skip_group(e, next);
        shape.selectors.push_back({word, e.substr(next + 1, close - next - 2), true});
        i = close;
      } else {
        shape.selectors.push_back({word, "", false});
        i = end;
      }
    } else {
      ++i;
    }
  }
  return shape;
}

}  // namespace grafana_test
