#include "ctl_top.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

#include "bridge/status/pages.h"
#include "ctl_http.h"
#include "bridge/wall_clock.h"

namespace bridge::app {
namespace {

using nlohmann::json;

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

}  // namespace

json filter_meters(const json& meters, const CtlOptions& o) {
  const status::FleetFilter filter{.health = o.filter_state, .only_problems = o.only_problems, .search = o.search};
  json out = json::array();
  for (const auto& m : meters) {
    if (filter.matches(m)) out.push_back(m);
  }
  return out;
}

TextStyle terminal_style() {
  TextStyle s;
  if (isatty(STDOUT_FILENO) == 0) return s;
  s.color = true;
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) s.width = ws.ws_col;
  return s;
}

int run_ctl_top(const CtlOptions& o) {
  const bool tty = isatty(STDOUT_FILENO) != 0;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // The alternate screen, as top does: the shell's scrollback is back untouched on exit.
  if (tty && !o.json) std::cout << "\x1b[?1049h" << std::flush;
  int failures = 0;
  for (int n = 0; !g_stop && (o.follow_count == 0 || n < o.follow_count); ++n) {
    json summary, meters;
    const bool ok = ctl_fetch(o, "GET", "/api/v1/summary", summary) && ctl_fetch(o, "GET", "/api/v1/meters", meters);
    if (ok) meters = filter_meters(meters, o);
    failures = ok ? 0 : failures + 1;
    if (o.json) {
      if (ok) std::cout << json{{"ts", bridge::wall_ms()}, {"summary", summary}, {"meters", meters}}.dump() << std::endl;
    } else {
      const TextStyle style = terminal_style();
      std::string frame = tty ? "\x1b[H\x1b[2J" : "";
      frame += "dlms-bridge top  " + o.url + "  " + ctl_ts_text(json(bridge::wall_ms())) + "  (every " +
               std::to_string(o.follow_interval).substr(0, 3) + " s; Ctrl-C quits)\n\n";
      if (ok) {
        frame += summary_text(summary, style) + "\n" + fleet_table_text(meters, style);
      } else {
        frame += "cannot reach the bridge (see above); retrying\n";
      }
      std::cout << frame << (tty ? "" : "\n") << std::flush;
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(o.follow_interval);
    while (!g_stop && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (tty && !o.json) std::cout << "\x1b[?1049l" << std::flush;
  return failures > 0 ? 1 : 0;
}

}  // namespace bridge::app
