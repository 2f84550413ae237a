#include <algorithm>
#include <cctype>
#include <vector>

#include "bridge/human_duration.h"
#include "bridge/status/html.h"
#include "bridge/status/pages.h"
#include "bridge/status/targets.h"

namespace bridge::status {
namespace {

using nlohmann::json;
using html::escape;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const char* health_label(const std::string& h) {
  if (h == "breaker_open") return "breaker open";
  return h.c_str();
}

std::string summary_bar(const json& summary) {
  std::string out = "<section id=\"summary\" data-live class=\"summary\">";
  for (const auto& f : summary.value("figures", json::array())) {
    out += "<div class=\"tile lvl-" + escape(f.value("level", "unknown")) + "\" id=\"fig-" + escape(f.value("key", "")) +
           "\" title=\"" + escape(f.value("detail", "")) + "\"><div class=\"label\">" + escape(f.value("label", "")) +
           "</div><div class=\"figure\">" + escape(f.value("text", "")) + "</div><div class=\"target\">target " +
           escape(f.value("target", "")) + "</div></div>";
  }
  const json& m = summary.value("meters", json::object());
  std::string fleet = std::to_string(m.value("total", 0)) + " meters: ";
  bool first = true;
  for (const char* h : {"up", "degraded", "down", "breaker_open", "paused", "starting"}) {
    const int n = m.value(h, 0);
    if (n == 0) continue;
    fleet += std::string(first ? "" : " · ") + "<span class=\"h-" + h + "\">" + std::to_string(n) + " " +
             health_label(h) + "</span>";
    first = false;
  }
  const json& mqtt = summary.value("mqtt", json::object());
  if (mqtt.value("enabled", false)) {
    fleet += mqtt.value("connected", false) ? " · MQTT connected" : " · <span class=\"h-down\">MQTT disconnected</span>";
    fleet += ", outbox " + std::to_string(mqtt.value("outbox", 0));
  }
  const std::int64_t covered = summary.value("covered_ms", 0LL), window = summary.value("window_ms", 0LL);
  fleet += " · figures over the last " + escape(summary.value("window", ""));
  if (covered < window) fleet += " (history covers " + human_duration(std::chrono::milliseconds(covered)) + " so far)";
  out += "<div class=\"fleetline\">" + fleet + "</div></section>";
  return out;
}

std::string state_cell(const json& m) {
  const std::string h = m.value("health", "starting");
  std::string sub;
  if (m["down_for"].is_string()) {
    sub = "for " + m["down_for"].get<std::string>() + " (since " + html::clock_text(m["down_since"]) + " UTC)";
    if (!m["last_success"].is_number()) sub += ", never read";
  } else if (m["last_reading"].is_object()) {
    sub = "read " + html::clock_text(m["last_reading"]["ts"]);
  } else {
    sub = m.value("state", "");
  }
  return "<td class=\"state\"><span class=\"pill h-" + escape(h) + "\">" + escape(health_label(h)) +
         "</span><div class=\"sub\">" + escape(sub) + "</div></td>";
}

std::string values_cell(const json& m) {
  std::string out = "<td class=\"values\">";
  if (m["last_reading"].is_object()) {
    for (const auto& v : m["last_reading"]["values"]) {
      out += "<span class=\"val\" title=\"" + escape(v.value("obis", "")) + "\"><b>" + escape(v.value("key", "")) +
             "</b> " + escape(html::value_text(v["value"], v.value("unit", ""))) + "</span>";
    }
  } else {
    out += "<span class=\"muted\">no reading yet</span>";
  }
  return out + "</td>";
}

std::string trend_cell(const json& m) {
  const json& t = m["trend"];
  const auto& points = t["points"];
  const std::string ratio =
      percent_text(t["success_ratio"].is_number() ? std::optional<double>(t["success_ratio"].get<double>()) : std::nullopt);
  return "<td class=\"ratio lvl-" + escape(t.value("success_level", "unknown")) + "\">" + ratio +
         "<div class=\"sub\">" + std::to_string(t.value("ok", 0)) + " / " + std::to_string(t.value("cycles", 0)) +
         " cycles</div></td><td class=\"trend\"><div class=\"sparkrow\"><span class=\"sparklabel\">latency</span>" +
         html::latency_svg(points, 120, 22, "latency") +
         "</div><div class=\"sparkrow\"><span class=\"sparklabel\">success</span>" +
         html::success_svg(points, 120, 14, "success") + "</div></td>";
}

std::string diagnosis_cell(const json& m) {
  if (!m["diagnosis"].is_object() || !m.value("problem", false)) return "<td class=\"diag\"></td>";
  const json& d = m["diagnosis"];
  std::string out = "<td class=\"diag\"><details id=\"diag-" + escape(m.value("id", "")) + "\"><summary class=\"sev-" +
                    escape(d.value("severity", "")) + "\">" + escape(d.value("headline", "")) +
                    "</summary><p>" + escape(d.value("explanation", "")) + "</p><ol>";
  for (const auto& a : d.value("actions", json::array())) out += "<li>" + escape(a.get<std::string>()) + "</li>";
  return out + "</ol></details></td>";
}

std::string row(const json& m) {
  const std::string id = m.value("id", "");
  const json& addr = m["address"];
  const std::string where = html::endpoint_text(m);
  const std::string address = addr.is_object() ? addr.value("text", "") : "";
  return "<tr id=\"meter-" + escape(id) + "\" data-health=\"" + escape(m.value("health", "")) + "\">" + state_cell(m) +
         "<td class=\"meter\"><a href=\"/meters/" + escape(id) + "\">" + escape(id) + "</a><div class=\"sub\">" +
         escape(where) + "</div><div class=\"sub wrap\">" + escape(address) + "</div></td>" + values_cell(m) + trend_cell(m) + "<td class=\"badges\">" +
         html::badges(m["badges"]) + "</td>" + diagnosis_cell(m) + "<td class=\"act\">" +
         html::action_buttons(id, m.value("paused", false)) + "</td></tr>";
}

std::string option(const char* value, const char* text, const std::string& selected) {
  return std::string("<option value=\"") + value + "\"" + (selected == value ? " selected" : "") + ">" + text +
         "</option>";
}

}  // namespace

bool FleetFilter::matches(const json& m) const {
  if (!health.empty() && m.value("health", "") != health) return false;
  if (only_problems && !m.value("problem", false)) return false;
  if (!search.empty() && lower(m.value("id", "")).find(lower(search)) == std::string::npos) return false;
  return true;
}

json problems_first(const json& meters) {
  // Problems first (the operator's eye starts at the top), then by id.
  auto rank = [](const json& m) {
    const std::string h = m.value("health", "");
    return h == "down" ? 0 : h == "breaker_open" ? 1 : h == "degraded" ? 2 : h == "starting" ? 3 : h == "paused" ? 4 : 5;
  };
  std::vector<json> ordered(meters.begin(), meters.end());
  std::stable_sort(ordered.begin(), ordered.end(), [&](const json& a, const json& b) { return rank(a) < rank(b); });
  return json(std::move(ordered));
}

std::string render_fleet_page(const json& summary, const json& meters, const FleetFilter& filter,
                              const std::string& title) {
  std::size_t problems = 0, shown = 0;
  std::string rows;
  for (const json& m : problems_first(meters)) {
    if (m.value("problem", false)) ++problems;
    if (!filter.matches(m)) continue;
    ++shown;
    rows += row(m);
  }
  if (shown == 0) rows = "<tr><td colspan=\"8\" class=\"muted\">no meter matches the filter</td></tr>";
  const std::string page_title =
      title + (problems == 0 ? " · all meters ok" : " · " + std::to_string(problems) + (problems == 1 ? " problem" : " problems"));
  std::string out = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                    "content=\"width=device-width, initial-scale=1\"><title>" +
                    escape(page_title) + "</title><style>" + page_style() + "</style></head><body>";
  out += "<header><h1>" + escape(title) + "</h1><nav><a href=\"/metrics\">metrics</a><a href=\"/api/v1/meters\">API</a>"
         "<a href=\"/api/v1/action-plan\">action plan</a><a href=\"/api/v1/events\">events</a></nav>"
         "<span id=\"conn\" class=\"muted\"></span><span id=\"auth\"></span></header>";
  out += summary_bar(summary);
  out += "<form id=\"filters\" method=\"get\" action=\"/\"><label>state <select name=\"state\">" +
         option("", "all", filter.health) + option("up", "up", filter.health) +
         option("degraded", "degraded", filter.health) + option("down", "down", filter.health) +
         option("breaker_open", "breaker open", filter.health) + option("paused", "paused", filter.health) +
         option("starting", "starting", filter.health) +
         "</select></label><label><input type=\"checkbox\" name=\"problems\" value=\"1\"" +
         (filter.only_problems ? " checked" : "") +
         "> only problems</label><label>meter <input type=\"search\" name=\"q\" placeholder=\"id contains…\" value=\"" +
         escape(filter.search) + "\"></label><noscript><button>apply</button></noscript></form>";
  out += "<div id=\"results\"></div>";
  out += "<table id=\"meters\"><thead><tr><th>state</th><th>meter</th><th>last values</th><th>success</th>"
         "<th>last " + escape(summary.value("window", "")) + "</th><th></th><th>diagnosis</th><th></th></tr></thead>"
         "<tbody id=\"rows\" data-live>" + rows + "</tbody></table>";
  out += "<script>" + page_script() + "</script></body></html>";
  return out;
}

}  // namespace bridge::status
