#pragma once
// `dlms-bridge backup --to FILE [--config FILE | --store DB] [--force]`: an online copy of the
// store (outbox, events, inventory, config history), safe while the service runs.
#include <CLI/CLI.hpp>

#include <string>

namespace bridge::app {

class BackupCommand {
 public:
  explicit BackupCommand(CLI::App& sub);
  int run() const;

 private:
  std::string to_;
  std::string config_ = "/etc/dlms-bridge/dlms-bridge.toml";
  std::string store_;
  bool force_ = false;
};

}  // namespace bridge::app
