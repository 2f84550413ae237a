#pragma once
// Versioned schema migrations, tracked in PRAGMA user_version. Each migration runs in its own
// IMMEDIATE transaction together with the user_version bump, so a crash mid-migration leaves
// the previous version intact and the next open simply retries it.
#include <span>

#include "bridge/store/error.h"
#include "sqlite.h"

namespace bridge::store {

struct Migration {
  int version;           // user_version after applying it (1, 2, ... without gaps)
  const char* name;
  const char* sql;
};

// The migration list, oldest first. Append only: never edit a migration that has shipped.
std::span<const Migration> migrations();
int latest_schema_version();

// Applies every migration newer than the database's user_version. Returns the resulting
// version. A database newer than this binary -> schema_too_new (nothing is touched).
StoreResult<int> migrate(sql::Connection& conn);

}  // namespace bridge::store
