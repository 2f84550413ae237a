#pragma once
// Errors of the SQLite store: a bounded kind (for metrics/logs) plus a message that names the
// database path and the SQLite error text, so an operator can act on it without a debugger.
#include <string>
#include <string_view>

#include "bridge/result.h"

namespace bridge::store {

enum class StoreErrorKind {
  io,                // cannot create the directory or the file, I/O error (SQLITE_IOERR, CANTOPEN)
  read_only,         // the file or directory is not writable (SQLITE_READONLY, EACCES)
  not_a_database,    // the file exists but is not an SQLite database (SQLITE_NOTADB)
  corrupt,           // the database is malformed (SQLITE_CORRUPT)
  locked,            // another process holds the database (instance lock or SQLITE_BUSY/LOCKED)
  disk_full,         // SQLITE_FULL
  schema_too_new,    // user_version is newer than this binary knows: refuse to touch it
  invalid_argument,  // caller error (empty batch ids are fine; this is e.g. a bad limit)
  closed,            // the store is shutting down; the request was not executed
  sqlite,            // any other SQLite error (code in sqlite_code)
};

constexpr std::string_view to_label(StoreErrorKind k) {
  switch (k) {
    case StoreErrorKind::io: return "io";
    case StoreErrorKind::read_only: return "read_only";
    case StoreErrorKind::not_a_database: return "not_a_database";
    case StoreErrorKind::corrupt: return "corrupt";
    case StoreErrorKind::locked: return "locked";
    case StoreErrorKind::disk_full: return "disk_full";
    case StoreErrorKind::schema_too_new: return "schema_too_new";
    case StoreErrorKind::invalid_argument: return "invalid_argument";
    case StoreErrorKind::closed: return "closed";
    case StoreErrorKind::sqlite: return "sqlite";
  }
  return "sqlite";
}

struct StoreError {
  StoreErrorKind kind = StoreErrorKind::sqlite;
  std::string message;  // "<what failed>: <path>: <sqlite/os error text>"
  int sqlite_code = 0;  // extended SQLite result code, 0 when the error did not come from SQLite
};

template <class T>
using StoreResult = bridge::Result<T, StoreError>;
using Status = StoreResult<void>;

}  // namespace bridge::store
