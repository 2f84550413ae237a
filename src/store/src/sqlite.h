#pragma once
// Minimal RAII layer over the SQLite3 C API: a connection with a prepared-statement cache, a
// scoped use of a statement (reset on exit), and an IMMEDIATE transaction that rolls back unless
// committed. Every failure becomes a StoreError naming the database path and SQLite's message.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "bridge/store/error.h"

namespace bridge::store::sql {

// Maps an (extended) SQLite result code to the bounded kind.
StoreErrorKind kind_of(int rc);

class Connection {
 public:
  // flags: SQLITE_OPEN_* (the file must already exist; open() in store.cpp creates it).
  static StoreResult<std::unique_ptr<Connection>> open(const std::filesystem::path& path, int flags,
                                                       std::string_view role);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

  // Runs one or more statements without results.
  Status exec(const char* sql);
  // Runs a single-row, single-column query (e.g. PRAGMA journal_mode=WAL) and returns the text.
  StoreResult<std::string> query_text(const char* sql);
  StoreResult<std::int64_t> query_int(const char* sql);
  // Prepared once per connection (keyed by the SQL text), reused afterwards.
  StoreResult<sqlite3_stmt*> cached(const std::string& sql);
  // exec() for a fixed statement without parameters, through the cache (SAVEPOINT, RELEASE).
  Status exec_cached(const std::string& sql);

  // "<what>: <path>: <sqlite message> (<code name>)" using the connection's last error.
  StoreError error(std::string_view what, int rc) const;
  std::int64_t changes() const { return sqlite3_changes64(db_); }
  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

 private:
  Connection(sqlite3* db, std::filesystem::path path, std::string role);

  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
  std::string role_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

// Scoped use of a (cached) statement: bind, step, read columns; reset + clear on destruction so
// the statement releases its read snapshot and bound buffers.
class Query {
 public:
  Query(Connection& conn, sqlite3_stmt* stmt) : conn_(conn), stmt_(stmt) {}
  ~Query() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Bound text/blob must outlive the step() calls (SQLITE_STATIC: no copy on the hot path).
  Query& bind(int index, std::int64_t value) {
    rc_ = rc_ != SQLITE_OK ? rc_ : sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }
  Query& bind(int index, std::string_view text) {
    rc_ = rc_ != SQLITE_OK ? rc_
                           : sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
    return *this;
  }
  Query& bind_blob(int index, std::string_view bytes) {
    rc_ = rc_ != SQLITE_OK ? rc_ : sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC);
    return *this;
  }

  // SQLITE_ROW -> true, SQLITE_DONE -> false, anything else -> error naming `what`.
  StoreResult<bool> step(std::string_view what);
  // Steps to completion, ignoring rows.
  Status run(std::string_view what);

  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string text(int col) const;
  std::string blob(int col) const;

  // Fresh use of the same statement (e.g. in a batch loop).
  void reset() {
    sqlite3_reset(stmt_);
    rc_ = SQLITE_OK;
  }

 private:
  Connection& conn_;
  sqlite3_stmt* stmt_;
  int rc_ = SQLITE_OK;
};

// BEGIN IMMEDIATE (takes the write lock up front, so busy_timeout applies and two writers can
// never deadlock on a lock upgrade). Rolls back on destruction unless commit() succeeded.
class Transaction {
 public:
  static StoreResult<Transaction> begin(Connection& conn);
  Transaction(Transaction&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status commit();

 private:
  explicit Transaction(Connection& conn) : conn_(&conn) {}
  Connection* conn_;
};

}  // namespace bridge::store::sql
