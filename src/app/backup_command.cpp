#include "backup_command.h"

#include <iostream>

#include "bridge/config/config.h"
#include "bridge/store/backup.h"

namespace bridge::app {

BackupCommand::BackupCommand(CLI::App& sub) {
  sub.add_option("--to", to_, "Backup file to write (refused if it exists, unless --force)")->required();
  sub.add_option("--config", config_, "Take the store path from this configuration")->capture_default_str();
  sub.add_option("--store", store_, "Back up this database file instead (overrides --config)");
  sub.add_flag("--force", force_, "Replace an existing backup file");
}

int BackupCommand::run() const {
  std::filesystem::path db = store_;
  if (db.empty()) {
    auto loaded = config::load_file(config_);
    if (!loaded) {
      for (const auto& e : loaded.error()) std::cerr << e.to_string() << "\n";
      std::cerr << "dlms-bridge backup: cannot find the store without a valid config (or pass --store DB)\n";
      return 1;
    }
    // Relative store paths are relative to the service's working directory, as in `run`.
    db = loaded->store.path;
  }
  auto report = store::backup(db, to_, force_);
  if (!report) {
    std::cerr << "dlms-bridge backup: " << report.error().message << "\n";
    return 1;
  }
  std::cout << "backed up " << db.string() << " to " << to_ << ": " << report->bytes << " bytes, schema "
            << report->schema_version << ", " << report->meters << " meters, " << report->events << " events, "
            << report->outbox << " outbox rows\n";
  return 0;
}

}  // namespace bridge::app
