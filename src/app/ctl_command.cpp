#include "ctl_command.h"

#include <curl/curl.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "dlms/cosem/units.h"

namespace bridge::app {
namespace {

using nlohmann::json;

struct HttpResult {
  bool transport_ok = false;
  long status = 0;
  std::string body;
  std::string error;
};

size_t append_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

HttpResult request(const CtlOptions& o, const std::string& method, const std::string& path, long timeout_s = 130) {
  HttpResult r;
  CURL* curl = curl_easy_init();
  std::string url = o.url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST") curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
  curl_slist* headers = nullptr;
  if (!o.token.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + o.token).c_str());
  if (headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_s);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) {
    r.transport_ok = true;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  } else {
    r.error = curl_easy_strerror(rc);
  }
  if (headers) curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return r;
}

// Parses the body or reports why not; prints API errors ({"error": ...}) on stderr.
bool fetch(const CtlOptions& o, const std::string& method, const std::string& path, json& out, bool accept_error_body = false) {
  auto r = request(o, method, path);
  if (!r.transport_ok) {
    std::cerr << "dlms-bridge ctl: cannot reach " << o.url << ": " << r.error << "\n";
    return false;
  }
  out = json::parse(r.body, nullptr, false);
  if (out.is_discarded()) {
    std::cerr << "dlms-bridge ctl: " << method << " " << path << ": HTTP " << r.status << ", not JSON: " << r.body << "\n";
    return false;
  }
  if (r.status >= 400 && !accept_error_body) {
    std::cerr << "dlms-bridge ctl: " << method << " " << path << ": HTTP " << r.status << ": "
              << (out.contains("error") ? out["error"].get<std::string>() : r.body) << "\n";
    return false;
  }
  return true;
}

std::string ts_text(const json& v) {
  if (!v.is_number()) return "never";
  std::time_t t = static_cast<std::time_t>(v.get<std::int64_t>() / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::ostringstream s;
  s << std::put_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  return s.str();
}

std::string str(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

void print_meter_line(const json& m) {
  std::cout << std::left << std::setw(20) << str(m["id"]) << std::setw(14) << str(m["state"]) << std::setw(10)
            << (m["connected"].get<bool>() ? "connected" : "-") << std::setw(10) << str(m["breaker"])
            << std::setw(22) << ts_text(m["last_success"]) << str(m["last_error"]) << "\n";
}

int cmd_list(const CtlOptions& o) {
  json meters;
  if (!fetch(o, "GET", "/api/v1/meters", meters)) return 1;
  if (o.json) {
    std::cout << meters.dump(2) << "\n";
    return 0;
  }
  std::cout << std::left << std::setw(20) << "METER" << std::setw(14) << "STATE" << std::setw(10) << "LINK"
            << std::setw(10) << "BREAKER" << std::setw(22) << "LAST SUCCESS" << "LAST ERROR\n";
  for (const auto& m : meters) print_meter_line(m);
  return 0;
}

int cmd_status(const CtlOptions& o, const std::string& id) {
  json m;
  if (!fetch(o, "GET", "/api/v1/meters/" + id, m)) return 1;
  if (o.json) {
    std::cout << m.dump(2) << "\n";
    return 0;
  }
  std::cout << "meter:         " << str(m["id"]) << " (" << str(m["host"]) << ":" << str(m["port"]) << ")\n"
            << "state:         " << str(m["state"]) << (m["paused"].get<bool>() ? " (paused)" : "") << "\n"
            << "breaker:       " << str(m["breaker"]) << "\n"
            << "last success:  " << ts_text(m["last_success"]) << "\n"
            << "last error:    " << str(m["last_error"]) << "\n";
  const auto& c = m["counters"];
  std::cout << "cycles:        " << c["cycles"] << " (ok " << c["cycles_ok"] << ", failed " << c["cycles_failed"]
            << " of which partial " << c["cycles_partial"] << ", on time " << c["on_time_cycles"] << ")\n"
            << "reconnects:    " << c["reconnects"] << ", HDLC errors " << c["hdlc_errors"] << ", watchdog trips "
            << c["watchdog_trips"] << "\n";
  if (m["diagnosis"].is_object()) {
    const auto& d = m["diagnosis"];
    std::cout << "diagnosis:     " << str(d["symptom"]) << " (" << str(d["reason"]) << ", seen " << d["count"]
              << " times)\n"
              << "  why:         " << str(d["explanation"]) << "\n"
              << "  action:      " << str(d["action"]) << "\n";
  }
  if (m.contains("recent_events") && !m["recent_events"].empty()) {
    std::cout << "recent events:\n";
    for (const auto& e : m["recent_events"])
      std::cout << "  " << ts_text(e["ts"]) << " " << std::setw(8) << str(e["severity"]) << " " << str(e["category"])
                << ": " << str(e["message"]) << "\n";
  }
  return 0;
}

int cmd_action(const CtlOptions& o, const std::string& id, const std::string& action) {
  json r;
  if (!fetch(o, "POST", "/api/v1/meters/" + id + "/" + action, r, action == "test")) return 1;
  if (o.json || action != "test") {
    std::cout << (o.json ? r.dump(2) : id + ": " + action + " ok") << "\n";
    return action == "test" && !r.value("ok", false) ? 1 : 0;
  }
  if (r.contains("error") && !r.contains("meter")) {
    std::cerr << "dlms-bridge ctl: test " << id << ": " << str(r["error"]) << "\n";
    return 1;
  }
  std::cout << "test " << id << ": " << (r["ok"].get<bool>() ? "ok" : "FAILED") << " in " << r["duration_ms"]
            << " ms\n";
  for (const auto& [key, v] : r["reading"]["values"].items()) {
    // The unit symbol as `read` prints it ("Wh"), not the DLMS code (30).
    const auto unit = dlms::cosem::unit_symbol(v.value("unit", 0));
    std::cout << "  " << std::left << std::setw(16) << key << " " << std::setw(14) << str(v["obis"]) << " = "
              << v["value"] << (unit.empty() ? "" : " ") << unit << " (raw " << v["raw"] << ", scaler " << v["scaler"]
              << ")\n";
  }
  for (const auto& f : r["failures"]) {
    std::cout << "  " << std::left << std::setw(16) << str(f["key"]) << " FAILED " << str(f["reason"]) << ": "
              << str(f["message"]) << "\n";
  }
  if (r["diagnosis"].is_object()) {
    std::cout << "  diagnosis: " << str(r["diagnosis"]["explanation"]) << "\n  action:    "
              << str(r["diagnosis"]["action"]) << "\n";
  }
  return r["ok"].get<bool>() ? 0 : 1;
}

int cmd_events(const CtlOptions& o) {
  std::string path = "/api/v1/events?limit=200";
  char* escaped = nullptr;
  CURL* curl = curl_easy_init();
  if (!o.meter.empty()) {
    escaped = curl_easy_escape(curl, o.meter.c_str(), static_cast<int>(o.meter.size()));
    path += std::string("&meter=") + escaped;
    curl_free(escaped);
  }
  if (!o.since.empty()) {
    escaped = curl_easy_escape(curl, o.since.c_str(), static_cast<int>(o.since.size()));
    path += std::string("&since=") + escaped;
    curl_free(escaped);
  }
  curl_easy_cleanup(curl);
  json events;
  if (!fetch(o, "GET", path, events)) return 1;
  if (o.json) {
    std::cout << events.dump(2) << "\n";
    return 0;
  }
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    const auto& e = *it;
    std::cout << ts_text(e["ts"]) << " " << std::left << std::setw(9) << str(e["severity"]) << std::setw(16)
              << str(e["meter"]) << std::setw(16) << str(e["category"]) << str(e["message"]);
    if (e["repeat_count"].get<std::int64_t>() > 0) std::cout << " (+" << e["repeat_count"] << " repeats)";
    std::cout << "\n";
  }
  return 0;
}

int cmd_follow(const CtlOptions& o, const std::string& id) {
  std::string last;
  for (int n = 0; o.follow_count == 0 || n < o.follow_count;) {
    json m;
    if (!fetch(o, "GET", "/api/v1/meters/" + id, m)) return 1;
    const auto& c = m["counters"];
    std::ostringstream line;
    line << str(m["state"]) << " ok=" << c["cycles_ok"] << " failed=" << c["cycles_failed"]
         << " reconnects=" << c["reconnects"] << " hdlc_errors=" << c["hdlc_errors"]
         << " last_success=" << ts_text(m["last_success"]) << " last_error=\"" << str(m["last_error"]) << "\"";
    if (line.str() != last) {
      last = line.str();
      std::cout << ts_text(json(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count()))
                << " " << id << " " << last << std::endl;
      ++n;
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(o.follow_interval));
  }
  return 0;
}

int cmd_health(const CtlOptions& o) {
  json h;
  if (!fetch(o, "GET", "/api/v1/health", h, true)) return 1;
  if (o.json) {
    std::cout << h.dump(2) << "\n";
  } else {
    std::cout << "status: " << str(h["status"]) << "\n";
    for (const auto& c : h["checks"])
      std::cout << "  " << (c["ok"].get<bool>() ? "ok    " : "FAIL  ") << std::left << std::setw(8) << str(c["name"])
                << str(c["detail"]) << "\n";
  }
  // Exit codes like the old health report: 0 ok, 1 failing, 2 degraded.
  const std::string status = str(h["status"]);
  return status == "ok" ? 0 : status == "degraded" ? 2 : 1;
}

int cmd_action_plan(const CtlOptions& o) {
  json plan;
  if (!fetch(o, "GET", "/api/v1/action-plan", plan)) return 1;
  if (o.json) {
    std::cout << plan.dump(2) << "\n";
    return 0;
  }
  if (plan["steps"].empty()) {
    std::cout << "nothing to do: every meter delivers readings and MQTT is connected\n";
    return 0;
  }
  int n = 1;
  for (const auto& s : plan["steps"]) {
    std::cout << n++ << ". [" << str(s["severity"]) << "] " << str(s["target"]) << ": " << str(s["explanation"])
              << "\n   -> " << str(s["action"]) << "\n";
  }
  return 0;
}

}  // namespace

void add_ctl_commands(CLI::App& ctl, CtlOptions& o) {
  if (const char* env = std::getenv("DLMS_BRIDGE_URL")) o.url = env;
  if (const char* env = std::getenv("DLMS_BRIDGE_TOKEN")) o.token = env;
  ctl.add_option("--url", o.url, "Base URL of the bridge (env DLMS_BRIDGE_URL)")->capture_default_str();
  ctl.add_option("--token", o.token, "Bearer token for pause/resume/test (env DLMS_BRIDGE_TOKEN)");
  ctl.add_flag("--json", o.json, "Print the API's JSON");
  ctl.require_subcommand(1);
  ctl.add_subcommand("list", "List meters and their state");
  for (const char* name : {"status", "test", "pause", "resume", "follow"}) {
    auto* sub = ctl.add_subcommand(name, std::string(name) + " one meter");
    sub->add_option("id", o.meter, "Meter id")->required();
    if (std::string(name) == "follow") {
      sub->add_option("--interval", o.follow_interval, "Seconds between polls")->capture_default_str();
      sub->add_option("--count", o.follow_count, "Stop after N changes (0 = until Ctrl-C)");
    }
  }
  auto* events = ctl.add_subcommand("events", "Recent events");
  events->add_option("--meter", o.meter, "Only this meter");
  events->add_option("--since", o.since, "Only events newer than this (e.g. 1h, 30m)");
  ctl.add_subcommand("health", "Bridge health (exit 0 ok, 2 degraded, 1 failing)");
  ctl.add_subcommand("action-plan", "What to do about every problem right now");
}

int run_ctl(CLI::App& ctl, const CtlOptions& o) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int rc = 1;
  for (auto* sub : ctl.get_subcommands()) {
    const std::string name = sub->get_name();
    if (name == "list") rc = cmd_list(o);
    else if (name == "status") rc = cmd_status(o, o.meter);
    else if (name == "test" || name == "pause" || name == "resume") rc = cmd_action(o, o.meter, name);
    else if (name == "follow") rc = cmd_follow(o, o.meter);
    else if (name == "events") rc = cmd_events(o);
    else if (name == "health") rc = cmd_health(o);
    else if (name == "action-plan") rc = cmd_action_plan(o);
  }
  curl_global_cleanup();
  return rc;
}

}  // namespace bridge::app
