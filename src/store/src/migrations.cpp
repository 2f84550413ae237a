#include "migrations.h"

#include <array>
#include <string>

#include "bridge/log.h"

namespace bridge::store {
namespace {

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meters (
  id              TEXT PRIMARY KEY NOT NULL,
  host            TEXT NOT NULL DEFAULT '',
  port            INTEGER NOT NULL DEFAULT 0,
  transport       TEXT NOT NULL DEFAULT '',
  addressing      TEXT NOT NULL DEFAULT '',
  enabled         INTEGER NOT NULL DEFAULT 1,
  paused          INTEGER NOT NULL DEFAULT 0,
  removed         INTEGER NOT NULL DEFAULT 0,
  status          TEXT NOT NULL DEFAULT 'unknown',
  last_seen_ms    INTEGER NOT NULL DEFAULT 0,
  last_success_ms INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  updated_ms      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE events (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  ts_ms        INTEGER NOT NULL,
  meter        TEXT NOT NULL DEFAULT '',
  severity     TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'error', 'critical')),
  category     TEXT NOT NULL,
  message      TEXT NOT NULL,
  details      TEXT NOT NULL DEFAULT '',
  repeat_count INTEGER NOT NULL DEFAULT 0,
  acknowledged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_by_ts ON events (ts_ms);
CREATE INDEX events_by_meter ON events (meter, id);
CREATE TABLE diagnostics (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  ts_ms     INTEGER NOT NULL,
  meter     TEXT NOT NULL,
  kind      TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('none', 'rx', 'tx')),
  frame_hex TEXT NOT NULL,
  message   TEXT NOT NULL
);
CREATE INDEX diagnostics_by_meter ON diagnostics (meter, id);
CREATE TABLE outbox (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  meter      TEXT NOT NULL,
  topic      TEXT NOT NULL,
  payload    BLOB NOT NULL,
  ts_ms      INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0
);
)sql";

// The applied configs (Store::record_config_version), see config_version.h.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE config_versions (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  ts_ms   INTEGER NOT NULL,
  sha256  TEXT NOT NULL,
  trigger TEXT NOT NULL CHECK (trigger IN ('startup', 'sighup', 'api')),
  actor   TEXT NOT NULL DEFAULT '',
  source  TEXT NOT NULL,
  meters  INTEGER NOT NULL,
  config  TEXT NOT NULL
);
)sql";

// Load-profile backfill progress (Store::outbox_insert_profile_rows), see profile_progress.h.
constexpr const char* kSchemaV3 = R"sql(
CREATE TABLE profile_progress (
  meter       TEXT NOT NULL,
  profile     TEXT NOT NULL,
  last_row_ms INTEGER NOT NULL,
  updated_ms  INTEGER NOT NULL,
  PRIMARY KEY (meter, profile)
) WITHOUT ROWID;
)sql";

// HLS-GMAC invocation counters (Store::save_invocation_counter): per meter and client system
// title, the first counter value not yet handed out. It only grows.
constexpr const char* kSchemaV4 = R"sql(
CREATE TABLE IF NOT EXISTS invocation_counters (
  meter        TEXT NOT NULL,
  system_title TEXT NOT NULL,
  next_value   INTEGER NOT NULL CHECK (next_value >= 0 AND next_value <= 4294967295),
  updated_ms   INTEGER NOT NULL,
  PRIMARY KEY (meter, system_title)
);
)sql";

constexpr std::array kMigrations = {
    Migration{1, "initial schema: meters, events, diagnostics, outbox", kSchemaV1},
    Migration{2, "config history: config_versions", kSchemaV2},
    Migration{3, "load-profile backfill: profile_progress", kSchemaV3},
    Migration{4, "HLS-GMAC: invocation_counters", kSchemaV4},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }
int latest_schema_version() { return kMigrations.back().version; }

StoreResult<int> migrate(sql::Connection& conn) {
  auto current = conn.query_int("PRAGMA user_version");
  if (!current) return fail(current.error());
  const int from = static_cast<int>(*current);
  if (from > latest_schema_version()) {
    return fail(StoreError{StoreErrorKind::schema_too_new,
                           "database schema is newer than this binary: " + conn.path().string() + ": user_version " +
                               std::to_string(from) + " > supported " + std::to_string(latest_schema_version()),
                           0});
  }
  int version = from;
  for (const Migration& m : kMigrations) {
    if (m.version <= version) continue;
    auto tx = sql::Transaction::begin(conn);
    if (!tx) return fail(tx.error());
    // Re-read inside the write lock: another process may have migrated meanwhile.
    auto inside = conn.query_int("PRAGMA user_version");
    if (!inside) return fail(inside.error());
    if (*inside >= m.version) {
      version = static_cast<int>(*inside);
      continue;
    }
    if (auto r = conn.exec(m.sql); !r) return fail(r.error());
    const std::string bump = "PRAGMA user_version = " + std::to_string(m.version);
    if (auto r = conn.exec(bump.c_str()); !r) return fail(r.error());
    if (auto r = tx->commit(); !r) return fail(r.error());
    version = m.version;
    log::info("store schema migrated", {{"path", conn.path().string()}, {"version", version}, {"migration", m.name}});
  }
  return version;
}

}  // namespace bridge::store
