// dlms-bridge entry point: subcommand shape of DESIGN.md section 3.
// Exit codes: 0 ok, 1 failure (message on stderr), 2 usage error.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "bridge/log.h"
#include "bridge/version.h"
#include "check_config.h"
#include "read_command.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;

// Subcommands whose feature has not landed yet say so and exit 2 (usage), as issue #2 asks.
int not_yet(const char* what, const char* where) {
  std::cerr << "dlms-bridge: '" << what << "' is not available in this build yet (" << where << ")\n";
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dlms-bridge: polls DLMS/COSEM meters, publishes readings to MQTT, exposes QoS to Prometheus",
               "dlms-bridge"};
  app.set_version_flag("--version", bridge::version_line("dlms-bridge"));
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|critical|off")->capture_default_str();

  auto* run = app.add_subcommand("run", "Run the service");
  std::string config_path;
  run->add_option("--config", config_path, "Configuration file (TOML)")->required();

  auto* check = app.add_subcommand("check-config", "Validate a configuration file");
  std::string check_path;
  check->add_option("file", check_path, "Configuration file (TOML)")->required();

  auto* read = app.add_subcommand("read", "One-shot probe of one meter");
  bridge::app::ReadCommand read_command(*read);
  auto* ctl = app.add_subcommand("ctl", "Operator CLI over the REST API");
  ctl->allow_extras();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  bridge::log::Level level;
  if (!bridge::log::parse_level(log_level, level)) {
    std::cerr << "dlms-bridge: unknown --log-level '" << log_level << "'\n" << app.help();
    return kExitUsage;
  }
  bridge::log::set_level(level);

  if (*run) return not_yet("run", "issue #5, poller engine");
  if (*check) return bridge::app::check_config(check_path, std::cout, std::cerr);
  if (*read) return read_command.run();
  if (*ctl) return not_yet("ctl", "REST API, not filed yet");
  return kExitUsage;
}
