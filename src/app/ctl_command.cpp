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
#include <utility>

#include "dlms/cosem/units.h"
#include "bridge/status/operator_text.h"
#include "ctl_http.h"
#include "ctl_top.h"
#include "ctl_views.h"
#include "bridge/wall_clock.h"

namespace bridge::app {
namespace {

using nlohmann::json;

bool fetch(const CtlOptions& o, const std::string& method, const std::string& path, json& out,
           bool accept_error_body = false) {
  return ctl_fetch(o, method, path, out, accept_error_body);
}
std::string ts_text(const json& v) { return ctl_ts_text(v); }
std::string str(const json& v) { return ctl_str(v); }

int cmd_list(const CtlOptions& o) {
  json meters;
  if (!fetch(o, "GET", "/api/v1/meters", meters)) return 1;
  if (o.json) {
    std::cout << filter_meters(meters, o).dump(2) << "\n";
    return 0;
  }
  std::cout << fleet_table_text(filter_meters(meters, o), terminal_style());
  return 0;
}

int cmd_summary(const CtlOptions& o) {
  json summary;
  if (!fetch(o, "GET", "/api/v1/summary", summary)) return 1;
  if (o.json) {
    std::cout << summary.dump(2) << "\n";
    return 0;
  }
  std::cout << summary_text(summary, terminal_style());
  return 0;
}

int cmd_status(const CtlOptions& o, const std::string& id) {
  json m;
  if (!fetch(o, "GET", "/api/v1/meters/" + id, m)) return 1;
  if (o.json) {
    std::cout << m.dump(2) << "\n";
    return 0;
  }
  std::cout << meter_detail_text(m, terminal_style());
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
    std::cout << status::similar_events_text(e.value("repeat_count", std::int64_t{0}));
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
      if (o.json) {
        std::cout << m.dump() << std::endl;  // one JSON object per line (NDJSON)
        ++n;
        std::this_thread::sleep_for(std::chrono::duration<double>(o.follow_interval));
        continue;
      }
      std::cout << ts_text(json(bridge::wall_ms()))
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
  // 0 ok, 3 degraded, 4 failing (1 and 2 keep their CLI-wide meanings: failure, usage error).
  return status::health_exit_code(str(h["status"]));
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
    std::cout << n++ << ". [" << str(s["severity"]) << "] " << str(s["target"]) << ": " << str(s["explanation"]) << "\n";
    // One step per line: the diagnosis' advice and the breaker's note never run together.
    const json actions = s.contains("actions") ? s["actions"] : json::array({s["action"]});
    for (const auto& a : actions) std::cout << "   -> " << str(a) << "\n";
  }
  return 0;
}

int cmd_config_history(const CtlOptions& o) {
  json versions;
  if (!fetch(o, "GET", "/api/v1/config/versions?limit=" + std::to_string(o.history_limit), versions)) return 1;
  if (o.json) {
    std::cout << versions.dump(2) << "\n";
    return 0;
  }
  std::cout << std::left << std::setw(6) << "ID" << std::setw(22) << "APPLIED" << std::setw(9) << "TRIGGER"
            << std::setw(16) << "BY" << std::setw(14) << "SHA256" << std::setw(8) << "METERS" << "CHANGED\n";
  for (const auto& v : versions) {
    std::cout << std::left << std::setw(6) << str(v["id"]) << std::setw(22) << ts_text(v["ts"]) << std::setw(9)
              << str(v["trigger"]) << std::setw(16) << (str(v["actor"]).empty() ? "-" : str(v["actor"]))
              << std::setw(14) << str(v["sha256"]).substr(0, 12) << std::setw(8) << str(v["meters"])
              << (v["changed"].get<bool>() ? "yes" : "no") << "\n";
  }
  return 0;
}

}  // namespace

void add_ctl_commands(CLI::App& ctl, CtlOptions& o) {
  if (const char* env = std::getenv("DLMS_BRIDGE_URL")) o.url = env;
  if (const char* env = std::getenv("DLMS_BRIDGE_TOKEN")) o.token = env;
  ctl.add_option("--url", o.url, "Base URL of the bridge (env DLMS_BRIDGE_URL)")->capture_default_str();
  ctl.add_option("--token", o.token, "Bearer token for pause/resume/test (env DLMS_BRIDGE_TOKEN)");
  ctl.add_flag("--json", o.json, "Print the API's JSON (every command; follow and top: one object per line)");
  // `ctl list --json` as well as `ctl --json list`: subcommands hand unknown options up.
  ctl.fallthrough();
  ctl.require_subcommand(1);
  auto* list = ctl.add_subcommand("list", "The fleet: health and since when, success, trends, badges, diagnosis");
  ctl.add_subcommand("summary", "The fleet's figures against their targets (the status page's summary bar)");
  auto* top = ctl.add_subcommand("top", "Live fleet table, refreshed in place like top (Ctrl-C ends)");
  top->add_option("--interval", o.follow_interval, "Seconds between refreshes")->capture_default_str();
  top->add_option("--count", o.follow_count, "Stop after N refreshes (0 = until Ctrl-C)");
  for (auto* sub : {list, top}) {  // the status page's filters
    sub->add_option("--state", o.filter_state, "Only meters in this state")
        ->check(CLI::IsMember({"up", "degraded", "down", "breaker_open", "paused", "starting"}));
    sub->add_flag("--problems", o.only_problems, "Only meters with a problem");
    sub->add_option("--search", o.search, "Only meters whose id contains this text");
  }
  const std::pair<const char*, const char*> per_meter[] = {
      {"status", "One meter as its page shows it: state, address, trends, diagnosis, last values, events, config"},
      {"test", "Read one meter's registers now and print the values with their units"},
      {"pause", "Stop polling one meter (its association is released) until resume"},
      {"resume", "Poll a paused meter again"},
      {"follow", "Print one meter's state each time it changes"}};
  for (const auto& [name, description] : per_meter) {
    auto* sub = ctl.add_subcommand(name, description);
    sub->add_option("id", o.meter, "Meter id")->required();
    if (std::string(name) == "follow") {
      sub->add_option("--interval", o.follow_interval, "Seconds between polls")->capture_default_str();
      sub->add_option("--count", o.follow_count, "Stop after N changes (0 = until Ctrl-C)");
    }
  }
  auto* events = ctl.add_subcommand("events", "Recent events");
  events->add_option("--meter", o.meter, "Only this meter");
  events->add_option("--since", o.since, "Only events newer than this (e.g. 1h, 30m)");
  ctl.add_subcommand("health", "Bridge health (exit 0 ok, 3 degraded, 4 failing, 1 unreachable)");
  ctl.add_subcommand("action-plan", "What to do about every problem right now");
  auto* history = ctl.add_subcommand("config-history", "Applied configs: when, why, by whom, file hash (newest first)");
  history->add_option("--limit", o.history_limit, "At most this many versions (1..1000)")->capture_default_str();
}

int run_ctl(CLI::App& ctl, const CtlOptions& o) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int rc = 1;
  for (auto* sub : ctl.get_subcommands()) {
    const std::string name = sub->get_name();
    if (name == "list") rc = cmd_list(o);
    else if (name == "summary") rc = cmd_summary(o);
    else if (name == "top") rc = run_ctl_top(o);
    else if (name == "status") rc = cmd_status(o, o.meter);
    else if (name == "test" || name == "pause" || name == "resume") rc = cmd_action(o, o.meter, name);
    else if (name == "follow") rc = cmd_follow(o, o.meter);
    else if (name == "events") rc = cmd_events(o);
    else if (name == "health") rc = cmd_health(o);
    else if (name == "action-plan") rc = cmd_action_plan(o);
    else if (name == "config-history") rc = cmd_config_history(o);
  }
  curl_global_cleanup();
  return rc;
}

}  // namespace bridge::app
