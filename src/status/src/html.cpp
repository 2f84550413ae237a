#include "bridge/status/html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace bridge::status::html {
namespace {

using nlohmann::json;

constexpr double kLatencyTargetMs = 2000;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string latency_svg(const json& points, int width, int height, std::string_view css_class) {
  const std::size_t n = points.is_array() ? points.size() : 0;
  // Scaled to what was seen (a healthy 80 ms meter still shows its shape); the 2 s target line
  // only when it is in range.
  double top = 250;
  for (const auto& p : points) {
    if (p["latency_ms"].is_number()) top = std::max(top, p["latency_ms"].get<double>() * 1.25);
  }
  const double step = n > 1 ? static_cast<double>(width - 2) / static_cast<double>(n - 1) : 0;
  auto y_of = [&](double ms) { return static_cast<double>(height - 1) - (ms / top) * static_cast<double>(height - 2); };
  std::string svg = "<svg class=\"spark " + std::string(css_class) + "\" width=\"" + std::to_string(width) +
                    "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) + " " +
                    std::to_string(height) + "\" role=\"img\"><title>mean cycle latency per bucket; dashed: 2 s target</title>";
  if (kLatencyTargetMs <= top) {
    const std::string target_y = num(y_of(kLatencyTargetMs));
    svg += "<line class=\"target\" x1=\"0\" x2=\"" + std::to_string(width) + "\" y1=\"" + target_y + "\" y2=\"" +
           target_y + "\"/>";
  }
  std::string path, dots;
  bool pen_down = false;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& p = points[i];
    if (!p["latency_ms"].is_number()) {
      pen_down = false;
      continue;
    }
    const double ms = p["latency_ms"].get<double>();
    const std::string x = num(1 + step * static_cast<double>(i)), y = num(y_of(ms));
    path += (pen_down ? " L" : " M") + x + " " + y;
    pen_down = true;
    if (ms > kLatencyTargetMs) dots += "<circle class=\"over\" cx=\"" + x + "\" cy=\"" + y + "\" r=\"1.8\"/>";
  }
  // A lone point (one bucket of data) still shows as a short tick.
  if (!path.empty()) svg += "<path class=\"line\" d=\"" + path.substr(1) + "\"/>";
  svg += dots;
  return svg + "</svg>";
}

std::string success_svg(const json& points, int width, int height, std::string_view css_class) {
  const std::size_t n = points.is_array() ? points.size() : 0;
  std::string svg = "<svg class=\"spark " + std::string(css_class) + "\" width=\"" + std::to_string(width) +
                    "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) + " " +
                    std::to_string(height) + "\" role=\"img\"><title>share of good cycles per bucket</title>";
  if (n == 0) return svg + "</svg>";
  const double slot = static_cast<double>(width) / static_cast<double>(n);
  const double bar = std::max(1.0, slot - 1.0);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& p = points[i];
    const auto cycles = p.value("cycles", 0ULL);
    if (cycles == 0) continue;
    const double ratio = static_cast<double>(p.value("ok", 0ULL)) / static_cast<double>(cycles);
    const char* level = ratio >= 0.98 ? "ok" : ratio >= 0.95 ? "warning" : "critical";
    const double h = std::max(2.0, ratio * static_cast<double>(height));
    svg += "<rect class=\"lvl-" + std::string(level) + "\" x=\"" + num(slot * static_cast<double>(i)) + "\" y=\"" +
           num(static_cast<double>(height) - h) + "\" width=\"" + num(bar) + "\" height=\"" + num(h) + "\"/>";
  }
  return svg + "</svg>";
}

std::string clock_text(const json& ts_ms) {
  if (!ts_ms.is_number() || ts_ms.get<std::int64_t>() <= 0) return "-";
  const std::time_t t = static_cast<std::time_t>(ts_ms.get<std::int64_t>() / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

std::string endpoint_text(const json& meter) {
  std::string text = meter.value("endpoint", "");
  if (text.empty()) text = meter.value("host", "") + ":" + std::to_string(meter.value("port", 0));
  const auto index = meter.value("endpoint_index", 0);
  if (index > 0) text += " (failover " + std::to_string(index) + ")";
  return text;
}

std::string session_text(const json& meter) {
  const std::string health = meter.value("health", "");
  const std::string state = meter.value("state", "");
  if (health == "paused" || state == health) return {};
  if (state == "backoff") return "waiting to reconnect";
  if (state == "idle") return "associated, waiting for the next poll";
  if (state == "polling") return "reading";
  if (state == "breaker_open") return health == "breaker_open" ? "" : "breaker open";
  return state;
}

std::string clock_offset_text(const json& clock) {
  if (!clock.is_object() || !clock["checked"].is_number()) return "not checked";
  const std::string when = " (checked " + clock_text(clock["checked"]) + " UTC)";
  if (!clock["offset_seconds"].is_number()) return clock.value("problem", std::string("no offset")) + when;
  const double offset = clock["offset_seconds"].get<double>();
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f s %s", std::abs(offset), offset >= 0 ? "ahead" : "behind");
  return buf + when;
}

std::string value_text(const json& value, std::string_view unit) {
  std::string text;
  if (value.is_number_integer()) {
    text = std::to_string(value.get<std::int64_t>());
  } else if (value.is_number()) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.4g", value.get<double>());
    // Large energies in %g would turn exponential: print them whole.
    if (std::string_view(buf).find('e') != std::string_view::npos) std::snprintf(buf, sizeof buf, "%.0f", value.get<double>());
    text = buf;
  } else {
    text = value.dump();
  }
  if (!unit.empty()) text += " " + std::string(unit);
  return text;
}

std::string badges(const json& list) {
  std::string out;
  for (const auto& b : list) {
    out += "<span class=\"badge b-" + escape(b.value("kind", "")) + " lvl-" + escape(b.value("level", "")) +
           "\" title=\"" + escape(b.value("title", "")) + "\">" + escape(b.value("text", "")) + "</span>";
  }
  return out;
}

std::string action_buttons(const std::string& meter, bool paused) {
  const std::string m = escape(meter);
  std::string out = "<span class=\"buttons\">";
  if (paused) out += "<button data-action=\"resume\" data-meter=\"" + m + "\">resume</button>";
  else out += "<button data-action=\"pause\" data-meter=\"" + m + "\">pause</button>";
  out += "<button data-action=\"test\" data-meter=\"" + m + "\">test</button></span>";
  return out;
}

}  // namespace bridge::status::html
