#include "ctl_views.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <vector>

#include "bridge/human_duration.h"
#include "bridge/status/html.h"
#include "bridge/status/operator_text.h"
#include "bridge/status/pages.h"
#include "bridge/status/targets.h"
#include "ctl_http.h"

namespace bridge::app {
namespace {

using nlohmann::json;

constexpr const char* kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

std::string paint(const TextStyle& s, const std::string& level, const std::string& text) {
  if (!s.color) return text;
  const char* code = level == "ok" || level == "up"                   ? "32"
                     : level == "warning" || level == "degraded"      ? "33"
                     : level == "critical" || level == "down" || level == "breaker_open" ? "31"
                                                                      : "2";
  return std::string("\x1b[") + code + "m" + text + "\x1b[0m";
}

// Display width of UTF-8 text (every code point counts one column; ANSI sequences none).
std::size_t columns(const std::string& s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b') {
      while (i < s.size() && s[i] != 'm') ++i;
      continue;
    }
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string pad(const std::string& s, std::size_t width) {
  const std::size_t w = columns(s);
  return w >= width ? s + " " : s + std::string(width - w, ' ');
}

// Cuts a line to `width` columns without splitting a UTF-8 sequence or an ANSI code.
std::string cut(const std::string& line, std::size_t width) {
  if (width == 0 || columns(line) <= width) return line;
  std::string out;
  std::size_t n = 0;
  bool ansi = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\x1b') ansi = true;
    if (!ansi && (static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      if (n == width) break;
      ++n;
    }
    out.push_back(c);
    if (ansi && c == 'm') ansi = false;
  }
  return out + (out.find('\x1b') != std::string::npos ? "\x1b[0m" : "");
}

std::string lines_cut(const std::string& text, std::size_t width) {
  if (width == 0) return text;
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) out += cut(line, width) + "\n";
  return out;
}

std::string health_label(const json& m) {
  const std::string h = m.value("health", "starting");
  return h == "breaker_open" ? "breaker open" : h;
}

std::string since_text(const json& m) {
  if (m["down_for"].is_string()) return "for " + m["down_for"].get<std::string>();
  if (m["last_reading"].is_object()) return "read " + status::html::clock_text(m["last_reading"]["ts"]);
  return m.value("state", "");
}

std::string ratio_text(const json& v) {
  return status::percent_text(v.is_number() ? std::optional<double>(v.get<double>()) : std::nullopt);
}

std::string values_text(const json& m, std::size_t max_values) {
  if (!m["last_reading"].is_object()) return "no reading yet";
  std::string out;
  std::size_t n = 0;
  for (const auto& v : m["last_reading"]["values"]) {
    if (n++ == max_values) {
      out += " …";
      break;
    }
    out += (out.empty() ? "" : "  ") + v.value("key", "") + " " + status::html::value_text(v["value"], v.value("unit", ""));
  }
  return out;
}

std::string badges_text(const json& m, const TextStyle& s) {
  std::string out;
  for (const auto& b : m["badges"]) out += (out.empty() ? "" : " ") + paint(s, b.value("level", ""), "[" + b.value("text", "") + "]");
  return out;
}

}  // namespace

std::string sparkline_text(const json& points, bool latency, std::size_t width) {
  if (!points.is_array() || points.empty() || width == 0) return {};
  const std::size_t per = (points.size() + width - 1) / width;  // buckets per character
  struct Cell {
    double sum = 0, cycles = 0, ok = 0;
    int n = 0;
  };
  std::vector<Cell> cells;
  for (std::size_t i = 0; i < points.size(); i += per) {
    Cell c;
    for (std::size_t k = i; k < std::min(points.size(), i + per); ++k) {
      const auto& p = points[k];
      c.cycles += p.value("cycles", 0.0);
      c.ok += p.value("ok", 0.0);
      if (p["latency_ms"].is_number()) {
        c.sum += p["latency_ms"].get<double>();
        ++c.n;
      }
    }
    cells.push_back(c);
  }
  double top = 250;
  for (const auto& c : cells) {
    if (c.n > 0) top = std::max(top, c.sum / c.n);
  }
  std::string out;
  for (const auto& c : cells) {
    if (latency) {
      if (c.n == 0) {
        out += " ";
        continue;
      }
      const auto level = static_cast<std::size_t>(std::min(7.0, (c.sum / c.n) / top * 7.0));
      out += kBlocks[level];
    } else {
      if (c.cycles == 0) {
        out += " ";
        continue;
      }
      const auto level = static_cast<std::size_t>(std::min(7.0, c.ok / c.cycles * 7.0));
      out += kBlocks[level];
    }
  }
  return out;
}

std::string summary_text(const json& summary, const TextStyle& s) {
  std::string out;
  for (const auto& f : summary.value("figures", json::array())) {
    const std::string level = f.value("level", "unknown");
    out += pad(f.value("label", ""), 14) + paint(s, level, pad(f.value("text", ""), 10)) + pad("target " + f.value("target", ""), 30) +
           paint(s, level, pad(level, 10)) + f.value("detail", "") + "\n";
  }
  const json& m = summary.value("meters", json::object());
  std::string fleet = std::to_string(m.value("total", 0)) + " meters:";
  for (const char* h : {"up", "degraded", "down", "breaker_open", "paused", "starting"}) {
    if (m.value(h, 0) > 0) fleet += " " + paint(s, h, std::to_string(m.value(h, 0)) + " " + (std::string(h) == "breaker_open" ? "breaker open" : h));
  }
  const json& mqtt = summary.value("mqtt", json::object());
  if (mqtt.value("enabled", false)) {
    fleet += mqtt.value("connected", false) ? "; MQTT connected" : "; " + paint(s, "critical", "MQTT disconnected");
    fleet += ", outbox " + std::to_string(mqtt.value("outbox", 0));
  }
  fleet += "; figures over the last " + summary.value("window", "");
  if (summary.value("covered_ms", 0LL) < summary.value("window_ms", 0LL)) {
    fleet += " (history covers " + human_duration(std::chrono::milliseconds(summary.value("covered_ms", 0LL))) + ")";
  }
  return lines_cut(out + fleet + "\n", s.width);
}

std::string fleet_table_text(const json& meters, const TextStyle& s) {
  std::string out = pad("METER", 18) + pad("HEALTH", 14) + pad("SINCE", 16) + pad("SUCCESS", 9) + pad("LATENCY TREND", 22) +
                    pad("SUCCESS TREND", 22) + "DIAGNOSIS / BADGES / LAST VALUES\n";
  for (const auto& m : status::problems_first(meters)) {
    const std::string h = m.value("health", "starting");
    const json& t = m["trend"];
    std::string tail;
    if (m.value("problem", false) && m["diagnosis"].is_object()) tail = m["diagnosis"].value("headline", "");
    const std::string badges = badges_text(m, s);
    if (!badges.empty()) tail += (tail.empty() ? "" : " ") + badges;
    if (tail.empty()) tail = values_text(m, 4);
    out += pad(m.value("id", ""), 18) + paint(s, h, pad(health_label(m), 14)) + pad(since_text(m), 16) +
           paint(s, t.value("success_level", "unknown"), pad(ratio_text(t["success_ratio"]), 9)) +
           pad(sparkline_text(t["points"], true, 20), 22) + pad(sparkline_text(t["points"], false, 20), 22) + tail + "\n";
  }
  return lines_cut(out, s.width);
}

std::string meter_detail_text(const json& m, const TextStyle& s) {
  std::ostringstream o;
  const json& t = m["trend"];
  const std::string h = m.value("health", "starting");
  // The endpoint in use, "(failover N)" on an alternative, as the page shows it.
  o << "meter:         " << m.value("id", "") << " (" << status::html::endpoint_text(m) << ")\n";
  if (m["address"].is_object()) o << "address:       " << m["address"].value("text", "") << "\n";
  const std::string session = status::html::session_text(m);
  o << "state:         " << paint(s, h, health_label(m)) << (session.empty() ? "" : " (" + session + ")");
  if (m["down_for"].is_string()) {
    o << ", down for " << m["down_for"].get<std::string>() << " since " << ctl_ts_text(m["down_since"]);
  }
  o << "\n"
    << "breaker:       " << m.value("breaker", "") << "\n"
    << "last success:  " << ctl_ts_text(m["last_success"]) << "\n"
    << "last error:    " << m.value("last_error", "") << "\n";
  if (m.contains("clock") && m["clock"].is_object()) {
    o << "clock:         " << status::html::clock_offset_text(m["clock"]) << "\n";
  }
  const std::string window = human_duration(std::chrono::milliseconds(t.value("window_ms", 0LL)));
  o << "last " << pad(window + ":", 10) << paint(s, t.value("success_level", "unknown"), ratio_text(t["success_ratio"]))
    << " success (" << t.value("ok", 0) << " of " << t.value("cycles", 0) << " cycles), published "
    << ratio_text(t["publish_ratio"]) << ", p95 latency "
    << (t["latency_p95_ms"].is_number() ? human_duration(std::chrono::milliseconds(t["latency_p95_ms"].get<std::int64_t>())) : "-")
    << ", " << t.value("reconnects", 0) << " reconnects, " << t.value("hdlc_errors", 0) << " HDLC errors\n"
    << "  latency      " << sparkline_text(t["points"], true, 60) << "\n"
    << "  success      " << sparkline_text(t["points"], false, 60) << "\n";
  const std::string badges = badges_text(m, s);
  if (!badges.empty()) o << "badges:        " << badges << "\n";
  const json& c = m["counters"];
  if (c.is_object()) {
    // The same counts as /metrics (meter_polls_total, meter_poll_failures_total ...).
    o << "since start:   " << c.value("cycles", 0) << " cycles (ok " << c.value("cycles_ok", 0) << ", failed "
      << c.value("cycles_failed", 0) << " of which partial " << c.value("cycles_partial", 0) << ", on time "
      << c.value("on_time_cycles", 0) << "), reconnects " << c.value("reconnects", 0) << ", HDLC errors "
      << c.value("hdlc_errors", 0) << ", watchdog trips " << c.value("watchdog_trips", 0) << "\n";
  }
  if (m["diagnosis"].is_object()) {
    const json& d = m["diagnosis"];
    o << "diagnosis:     " << paint(s, d.value("severity", "") == "warning" ? "warning" : "critical", d.value("headline", ""))
      << " (" << d.value("symptom", "") << ", seen " << status::times_text(d.value("count", std::int64_t{0})) << ")\n"
      << "  why:         " << d.value("explanation", "") << "\n";
    int n = 1;
    for (const auto& a : d.value("actions", json::array())) o << "  " << n++ << ".          " << a.get<std::string>() << "\n";
  }
  if (m["last_reading"].is_object()) {
    o << "last values (" << ctl_ts_text(m["last_reading"]["ts"]) << "):\n";
    for (const auto& v : m["last_reading"]["values"]) {
      o << "  " << pad(v.value("key", ""), 16) << pad(status::html::value_text(v["value"], v.value("unit", "")), 16)
        << v.value("obis", "") << "\n";
    }
  }
  if (m.contains("recent_events") && !m["recent_events"].empty()) {
    o << "recent events:\n";
    for (const auto& e : m["recent_events"]) {
      o << "  " << ctl_ts_text(e["ts"]) << " " << pad(e.value("severity", ""), 9) << pad(e.value("category", ""), 16)
        << e.value("text", e.value("message", "")) << "\n";
    }
  }
  if (m.contains("diagnostic_frames") && !m["diagnostic_frames"].empty()) {
    o << "diagnostic capture (last error frames):\n";
    for (const auto& f : m["diagnostic_frames"]) {
      o << "  " << ctl_ts_text(f["ts"]) << " " << f.value("kind", "") << " " << f.value("direction", "") << " "
        << f.value("frame_hex", "") << "  " << f.value("message", "") << "\n";
    }
  }
  if (m.contains("config") && m["config"].is_object()) o << "config (secrets masked):\n" << m["config"].dump(2) << "\n";
  return lines_cut(o.str(), s.width);
}

}  // namespace bridge::app
