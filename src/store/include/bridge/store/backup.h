#pragma once
// Online backup of a store (`dlms-bridge backup --to FILE`), safe while a bridge runs and writes.
//
// It uses SQLite's online backup API over a read-only connection of its own: the whole copy is
// one read transaction, so it is a consistent snapshot of the last commit, and in WAL mode the
// running bridge keeps writing meanwhile (it never waits for the backup). The copy is written
// next to the destination, checked (PRAGMA integrity_check), switched to a single-file journal
// mode, fsync'ed and renamed into place, so FILE is either the old file or a complete backup.
#include <cstdint>
#include <filesystem>

#include "bridge/store/error.h"

namespace bridge::store {

struct BackupReport {
  std::uintmax_t bytes = 0;      // size of the backup file
  int schema_version = 0;        // PRAGMA user_version of the copy
  std::int64_t meters = 0;       // rows in the copy, for the operator's sanity check
  std::int64_t events = 0;
  std::int64_t outbox = 0;
};

// Copies the store at `source` to `destination` (mode 0600). Refuses to replace an existing
// destination unless `overwrite`. Errors name the path and the reason: no such store, not a
// database, not a dlms-bridge store (user_version 0), unwritable destination, failed check.
StoreResult<BackupReport> backup(const std::filesystem::path& source, const std::filesystem::path& destination,
                                 bool overwrite = false);

}  // namespace bridge::store
