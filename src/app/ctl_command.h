#pragma once
// `dlms-bridge ctl`: the operator CLI over the REST API (docs/contract.md).
#include <CLI/CLI.hpp>

#include <string>

namespace bridge::app {

struct CtlOptions {
  std::string url = "http://127.0.0.1:9947";
  std::string token;        // bearer token for pause/resume/test (or DLMS_BRIDGE_TOKEN)
  bool json = false;        // print the API's JSON instead of tables
  std::string meter;        // events --meter
  std::string since;        // events --since 1h
  double follow_interval = 2.0;
  int follow_count = 0;     // follow: stop after N updates (0 = until interrupted)
  // list / top: the status page's filters
  std::string filter_state; // up, degraded, down, breaker_open, paused, starting
  bool only_problems = false;
  std::string search;       // meter id contains (case-insensitive)
  int history_limit = 20;   // config-history --limit
};

// Adds the ctl subcommands to `ctl`; returns a function that runs the parsed one.
void add_ctl_commands(CLI::App& ctl, CtlOptions& options);
int run_ctl(CLI::App& ctl, const CtlOptions& options);

}  // namespace bridge::app
