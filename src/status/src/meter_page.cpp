#include "bridge/human_duration.h"
#include "bridge/status/html.h"
#include "bridge/status/operator_text.h"
#include "bridge/status/pages.h"
#include "bridge/status/targets.h"

namespace bridge::status {
namespace {

using nlohmann::json;
using html::escape;

std::string field(const char* name, const std::string& value_html) {
  return std::string("<tr><th>") + name + "</th><td>" + value_html + "</td></tr>";
}

std::string overview(const json& m) {
  const std::string h = m.value("health", "starting");
  std::string state = "<span class=\"pill h-" + escape(h) + "\">" + escape(h == "breaker_open" ? "breaker open" : h) +
                      "</span> " + escape(html::session_text(m));
  if (m["down_for"].is_string()) {
    state += " · down for " + escape(m["down_for"].get<std::string>()) + " (since " +
             html::clock_text(m["down_since"]) + " UTC)";
  }
  const json& t = m["trend"];
  const auto ratio = t["success_ratio"].is_number() ? std::optional<double>(t["success_ratio"].get<double>()) : std::nullopt;
  const auto publish = t["publish_ratio"].is_number() ? std::optional<double>(t["publish_ratio"].get<double>()) : std::nullopt;
  std::string out = "<table class=\"kv\">";
  out += field("state", state);
  out += field("endpoint", escape(html::endpoint_text(m)));
  out += field("address", m["address"].is_object() ? escape(m["address"].value("text", "")) : "-");
  out += field("last reading", m["last_success"].is_number() ? html::clock_text(m["last_success"]) + " UTC" : "never");
  out += field("last error", escape(m.value("last_error", "")));
  out += field("success", "<span class=\"lvl-" + escape(t.value("success_level", "unknown")) + "\">" +
                              percent_text(ratio) + "</span> (" + std::to_string(t.value("ok", 0)) + " of " +
                              std::to_string(t.value("cycles", 0)) + " cycles), published " + percent_text(publish));
  out += field("p95 latency", t["latency_p95_ms"].is_number()
                                  ? escape(human_duration(std::chrono::milliseconds(t["latency_p95_ms"].get<std::int64_t>())))
                                  : "-");
  out += field("clock", escape(html::clock_offset_text(m["clock"])));
  out += field("badges", html::badges(m["badges"]));
  out += "</table>";
  return out;
}

// "seen once at 14:03:07 UTC", "seen 3 times since 14:03:07 UTC, last at 14:05:07 UTC".
std::string seen_text(const json& d) {
  const auto count = d.value("count", std::int64_t{0});
  if (count == 1) return "seen once at " + html::clock_text(d["first_seen"]) + " UTC";
  return "seen " + times_text(count) + " since " + html::clock_text(d["first_seen"]) + " UTC, last at " +
         html::clock_text(d["last_seen"]) + " UTC";
}

std::string diagnosis(const json& m) {
  if (!m["diagnosis"].is_object()) return "";
  const json& d = m["diagnosis"];
  std::string out = "<section class=\"card\"><h2 class=\"sev-" + escape(d.value("severity", "")) + "\">" +
                    escape(d.value("headline", "")) + "</h2><p>" + escape(d.value("explanation", "")) +
                    "</p><p class=\"muted\">" + seen_text(d) + "</p><h3>what to do</h3><ol>";
  for (const auto& a : d.value("actions", json::array())) out += "<li>" + escape(a.get<std::string>()) + "</li>";
  out += "</ol>";
  if (!d.value("detail", "").empty()) out += "<p class=\"muted\">transport: " + escape(d.value("detail", "")) + "</p>";
  return out + "</section>";
}

std::string values(const json& m) {
  std::string out = "<section class=\"card\"><h2>last values</h2>";
  if (!m["last_reading"].is_object()) return out + "<p class=\"muted\">no reading yet</p></section>";
  out += "<p class=\"muted\">read at " + html::clock_text(m["last_reading"]["ts"]) + " UTC</p><table class=\"kv\">";
  for (const auto& v : m["last_reading"]["values"]) {
    out += "<tr><th>" + escape(v.value("key", "")) + "</th><td class=\"num\">" +
           escape(html::value_text(v["value"], v.value("unit", ""))) + "</td><td class=\"muted\">" +
           escape(v.value("obis", "")) + "</td></tr>";
  }
  return out + "</table></section>";
}

std::string charts(const json& m) {
  const json& points = m["trend"]["points"];
  return "<section class=\"card\"><h2>last " + escape(human_duration(std::chrono::milliseconds(m["trend"].value("window_ms", 0LL)))) +
         "</h2><div class=\"chart\"><span class=\"sparklabel\">latency (mean per bucket, dashed 2 s)</span>" +
         html::latency_svg(points, 600, 90, "latency big") +
         "</div><div class=\"chart\"><span class=\"sparklabel\">success (share of good cycles)</span>" +
         html::success_svg(points, 600, 40, "success big") + "</div></section>";
}

std::string events(const json& m) {
  std::string out = "<section class=\"card\"><h2>recent events</h2>";
  if (m["recent_events"].empty()) return out + "<p class=\"muted\">none</p></section>";
  out += "<table class=\"events\">";
  for (const auto& e : m["recent_events"]) {
    out += "<tr><td class=\"muted\">" + html::clock_text(e["ts"]) + "</td><td class=\"sev-" +
           escape(e.value("severity", "")) + "\">" + escape(e.value("severity", "")) + "</td><td>" +
           escape(e.value("category", "")) + "</td><td>" + escape(e.value("text", e.value("message", ""))) + "</td></tr>";
  }
  return out + "</table></section>";
}

std::string frames(const json& m) {
  std::string out = "<section class=\"card\"><h2>diagnostic capture (last error frames)</h2>";
  if (m["diagnostic_frames"].empty()) return out + "<p class=\"muted\">no protocol error captured</p></section>";
  out += "<table class=\"frames\">";
  for (const auto& f : m["diagnostic_frames"]) {
    out += "<tr><td class=\"muted\">" + html::clock_text(f["ts"]) + "</td><td>" + escape(f.value("kind", "")) + " " +
           escape(f.value("direction", "")) + "</td><td><code>" + escape(f.value("frame_hex", "")) +
           "</code><div class=\"sub\">" + escape(f.value("message", "")) + "</div></td></tr>";
  }
  return out + "</table></section>";
}

std::string config(const json& m) {
  if (!m["config"].is_object()) return "";
  return "<section class=\"card\"><h2>config (secrets masked)</h2><pre>" + escape(m["config"].dump(2)) +
         "</pre></section>";
}

}  // namespace

std::string render_meter_page(const json& m, const std::string& title) {
  const std::string id = m.value("id", "");
  std::string out = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                    "content=\"width=device-width, initial-scale=1\"><title>" +
                    escape(id + " · " + m.value("health", "") + " · " + title) + "</title><style>" + page_style() +
                    "</style></head><body>";
  out += "<header><h1><a href=\"/\">" + escape(title) + "</a> / " + escape(id) +
         "</h1><span id=\"conn\" class=\"muted\"></span><span id=\"auth\"></span></header>";
  out += "<div id=\"results\"></div>";
  out += "<div id=\"detail\" data-live><div class=\"grid\"><section class=\"card\"><h2>" + escape(id) + " " +
         html::action_buttons(id, m.value("paused", false)) + "</h2>" + overview(m) + "</section>" + diagnosis(m) +
         values(m) + charts(m) + "</div>" + events(m) + frames(m) + config(m) + "</div>";
  out += "<script>" + page_script() + "</script></body></html>";
  return out;
}

}  // namespace bridge::status
