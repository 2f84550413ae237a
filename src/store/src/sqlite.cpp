#include "sqlite.h"

#include <utility>

#include "bridge/log.h"

namespace bridge::store::sql {

StoreErrorKind kind_of(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return StoreErrorKind::locked;
    case SQLITE_NOTADB: return StoreErrorKind::not_a_database;
    case SQLITE_CORRUPT: return StoreErrorKind::corrupt;
    case SQLITE_FULL: return StoreErrorKind::disk_full;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH: return StoreErrorKind::read_only;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR: return StoreErrorKind::io;
    default: return StoreErrorKind::sqlite;
  }
}

namespace {
StoreError make_error(std::string_view what, const std::filesystem::path& path, std::string_view detail, int rc) {
  std::string msg;
  msg.append(what).append(": ").append(path.string()).append(": ").append(detail);
  msg.append(" (").append(sqlite3_errstr(rc)).append(", code ").append(std::to_string(rc)).append(")");
  return StoreError{kind_of(rc), std::move(msg), rc};
}
}  // namespace

Connection::Connection(sqlite3* db, std::filesystem::path path, std::string role)
    : db_(db), path_(std::move(path)), role_(std::move(role)) {}

StoreResult<std::unique_ptr<Connection>> Connection::open(const std::filesystem::path& path, int flags,
                                                          std::string_view role) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_EXRESCODE, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);  // a handle is allocated even on failure (nullptr is a no-op)
    return fail(make_error("cannot open database (" + std::string(role) + " connection)", path, detail, rc));
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Connection>(new Connection(db, path, std::string(role)));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  const int rc = sqlite3_close(db_);
  if (rc != SQLITE_OK) {
    // Only possible with an unfinalized statement or backup: a bug, never silent.
    log::error("store connection close failed", {{"path", path_.string()}, {"role", role_}, {"error", sqlite3_errstr(rc)}});
    sqlite3_close_v2(db_);
  }
}

StoreError Connection::error(std::string_view what, int rc) const {
  return make_error(what, path_, sqlite3_errmsg(db_), rc);
}

Status Connection::exec(const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string detail = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return fail(make_error(std::string("executing \"") + sql + "\"", path_, detail, sqlite3_extended_errcode(db_)));
  }
  return {};
}

StoreResult<std::string> Connection::query_text(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return fail(error(std::string("preparing \"") + sql + "\"", rc));
  rc = sqlite3_step(stmt);
  std::string out;
  if (rc == SQLITE_ROW) {
    const auto* p = sqlite3_column_text(stmt, 0);
    if (p) out.assign(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt, 0)));
  }
  auto result = (rc == SQLITE_ROW || rc == SQLITE_DONE)
                    ? StoreResult<std::string>(std::move(out))
                    : StoreResult<std::string>(fail(error(std::string("running \"") + sql + "\"", rc)));
  sqlite3_finalize(stmt);
  return result;
}

StoreResult<std::int64_t> Connection::query_int(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return fail(error(std::string("preparing \"") + sql + "\"", rc));
  rc = sqlite3_step(stmt);
  std::int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  auto result = (rc == SQLITE_ROW || rc == SQLITE_DONE)
                    ? StoreResult<std::int64_t>(v)
                    : StoreResult<std::int64_t>(fail(error(std::string("running \"") + sql + "\"", rc)));
  sqlite3_finalize(stmt);
  return result;
}

StoreResult<sqlite3_stmt*> Connection::cached(const std::string& sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &stmt, nullptr);
  if (rc != SQLITE_OK) return fail(error("preparing \"" + sql + "\"", rc));
  cache_.emplace(sql, stmt);
  return stmt;
}

Status Connection::exec_cached(const std::string& sql) {
  auto stmt = cached(sql);
  if (!stmt) return fail(stmt.error());
  Query q(*this, *stmt);
  return q.run(sql);
}

StoreResult<bool> Query::step(std::string_view what) {
  if (rc_ != SQLITE_OK) return fail(conn_.error(std::string("binding ") + std::string(what), rc_));
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return fail(conn_.error(what, rc));
}

Status Query::run(std::string_view what) {
  for (;;) {
    auto r = step(what);
    if (!r) return fail(r.error());
    if (!*r) return {};
  }
}

std::string Query::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::string Query::blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  if (!p) return {};
  return std::string(static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

StoreResult<Transaction> Transaction::begin(Connection& conn) {
  auto stmt = conn.cached("BEGIN IMMEDIATE");
  if (!stmt) return fail(stmt.error());
  Query q(conn, *stmt);
  if (auto r = q.run("beginning a write transaction"); !r) return fail(r.error());
  return Transaction(conn);
}

Status Transaction::commit() {
  auto stmt = conn_->cached("COMMIT");
  if (!stmt) return fail(stmt.error());
  {
    Query q(*conn_, *stmt);
    if (auto r = q.run("committing"); !r) return r;  // destructor rolls back
  }
  conn_ = nullptr;
  return {};
}

Transaction::~Transaction() {
  if (!conn_) return;
  // After some errors (SQLITE_FULL, IOERR) SQLite already rolled back: nothing left to undo.
  if (sqlite3_get_autocommit(conn_->handle())) return;
  if (auto stmt = conn_->cached("ROLLBACK"); stmt) {
    Query q(*conn_, *stmt);
    if (auto r = q.run("rolling back"); !r) {
      log::error("store rollback failed", {{"path", conn_->path().string()}, {"error", r.error().message}});
    }
  }
}

}  // namespace bridge::store::sql
