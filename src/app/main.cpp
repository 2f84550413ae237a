// dlms-bridge entry point: subcommand shape of docs/contract.md.
// Exit codes: 0 ok, 1 failure (message on stderr), 2 usage error.
#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>
#include <string>

#include "bridge/log.h"
#include "bridge/version.h"
#include "backup_command.h"
#include "check_config.h"
#include "ctl_command.h"
#include "discover_command.h"
#include "read_command.h"
#include "run_command.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;

// A missing or unknown subcommand ("dlms-bridge bogus", "dlms-bridge ctl bogus"): name the
// stray word and list the subcommands, instead of CLI11's bare "A subcommand is required".
std::optional<std::string> subcommand_problem(const CLI::App& app) {
  const CLI::App* at = &app;
  std::string path = app.get_name();
  while (!at->get_subcommands().empty()) {
    at = at->get_subcommands().front();
    path += " " + at->get_name();
  }
  if (at->get_require_subcommand_min() == 0) return std::nullopt;
  std::string word, option;
  for (const auto& arg : app.remaining(true)) {
    if (arg.empty()) continue;
    if (arg.front() != '-' && word.empty()) word = arg;
    if (arg.front() == '-' && option.empty()) option = arg;
  }
  std::string names;
  for (const auto* sub : at->get_subcommands({})) names += (names.empty() ? "" : ", ") + sub->get_name();
  const std::string choices = "the subcommands are: " + names + " (" + path + " --help)";
  if (!word.empty()) return path + ": unknown subcommand \"" + word + "\"; " + choices;
  if (!option.empty()) return path + ": unknown option \"" + option + "\" and no subcommand; " + choices;
  return path + ": a subcommand is required; " + choices;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dlms-bridge: polls DLMS/COSEM meters, publishes readings to MQTT, exposes QoS to Prometheus",
               "dlms-bridge"};
  app.set_version_flag("--version", bridge::version_line("dlms-bridge"));
  app.require_subcommand(1);
  // Global flags (--log-level) are accepted after the subcommand too: options a subcommand does
  // not know fall through to its parent (subcommands inherit this setting).
  app.fallthrough();
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|critical|off")->capture_default_str();

  auto* run = app.add_subcommand("run", "Run the service");
  std::string config_path;
  run->add_option("--config", config_path, "Configuration file (TOML)")->required();
  std::string shard;
  const char* shard_help =
      "Poll only shard i of N of the fleet (\"i/N\", 0-based; or a pod name \"name-i/N\"). "
      "Wins over DLMS_BRIDGE_SHARD and [bridge] shard";
  run->add_option("--shard", shard, shard_help);

  auto* check = app.add_subcommand("check-config", "Validate a configuration file");
  std::string check_path;
  check->add_option("file", check_path, "Configuration file (TOML)")->required();
  check->add_option("--shard", shard, shard_help);

  auto* read = app.add_subcommand("read", "One-shot probe of one meter");
  bridge::app::ReadCommand read_command(*read);
  auto* discover =
      app.add_subcommand("discover", "Find how to talk to a meter and print a ready [[meter]] entry");
  bridge::app::DiscoverCommand discover_command(*discover);
  auto* ctl = app.add_subcommand("ctl", "Operator CLI over the REST API");
  bridge::app::CtlOptions ctl_options;
  bridge::app::add_ctl_commands(*ctl, ctl_options);
  auto* backup = app.add_subcommand("backup", "Online backup of the store (safe while the service runs)");
  bridge::app::BackupCommand backup_command(*backup);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (auto message = subcommand_problem(app); message && e.get_exit_code() != 0) {
      std::cerr << *message << "\n";
      return kExitUsage;
    }
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  bridge::log::Level level;
  if (!bridge::log::parse_level(log_level, level)) {
    std::cerr << "dlms-bridge: unknown --log-level '" << log_level << "'\n" << app.help();
    return kExitUsage;
  }
  bridge::log::set_level(level);

  if (*run) {
    std::optional<bridge::log::Level> cli_level;
    if (app.count("--log-level") > 0) cli_level = level;
    return bridge::app::run_service(config_path, shard, cli_level);
  }
  if (*check) return bridge::app::check_config(check_path, shard, std::cout, std::cerr);
  if (*read) return read_command.run();
  if (*discover) return discover_command.run();
  if (*ctl) return bridge::app::run_ctl(*ctl, ctl_options);
  if (*backup) return backup_command.run();
  return kExitUsage;
}
