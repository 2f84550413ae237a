#include "bridge/store/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "sqlite.h"

namespace bridge::store {
namespace {

StoreError io_error(const std::string& what, const std::filesystem::path& path, int err) {
  const auto kind = err == EACCES || err == EROFS || err == EPERM ? StoreErrorKind::read_only : StoreErrorKind::io;
  return StoreError{kind, what + ": " + path.string() + ": " + std::strerror(err), 0};
}

Status fsync_path(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return fail(io_error("cannot open for fsync", path, errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return fail(io_error("fsync failed", path, err));
  return {};
}

// Removes the partial file unless released (every early return below).
struct PartialFile {
  std::filesystem::path path;
  bool keep = false;
  ~PartialFile() {
    if (!keep) {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
  }
};

StoreResult<std::int64_t> count_rows(sql::Connection& conn, const char* table) {
  return conn.query_int((std::string("SELECT count(*) FROM ") + table).c_str());
}

}  // namespace

StoreResult<BackupReport> backup(const std::filesystem::path& source, const std::filesystem::path& destination,
                                 bool overwrite) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(source, ec)) {
    return fail(StoreError{StoreErrorKind::io, "no store to back up: " + source.string() + ": no such file", 0});
  }
  if (std::filesystem::exists(destination, ec) && !overwrite) {
    return fail(StoreError{StoreErrorKind::invalid_argument,
                           "backup destination exists: " + destination.string() + " (pass --force to replace it)", 0});
  }
  if (std::filesystem::equivalent(source, destination, ec)) {
    return fail(StoreError{StoreErrorKind::invalid_argument, "backup destination is the store itself: " +
                                                                 destination.string(), 0});
  }

  auto src = sql::Connection::open(source, SQLITE_OPEN_READONLY, "backup source");
  if (!src) return fail(src.error());
  sqlite3_busy_timeout((*src)->handle(), 5000);
  auto version = (*src)->query_int("PRAGMA user_version");  // also proves it is a database
  if (!version) return fail(version.error());
  if (*version == 0) {
    return fail(StoreError{StoreErrorKind::not_a_database,
                           "not a dlms-bridge store (schema version 0): " + source.string(), 0});
  }

  // Same directory as the destination, so the final rename is atomic.
  PartialFile partial{destination.parent_path() / (destination.filename().string() + ".partial-" +
                                                   std::to_string(::getpid()))};
  if (destination.parent_path().empty()) partial.path = destination.string() + ".partial-" + std::to_string(::getpid());
  const int fd = ::open(partial.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail(io_error("cannot create the backup", partial.path, errno));
  ::close(fd);

  {
    auto dst = sql::Connection::open(partial.path, SQLITE_OPEN_READWRITE, "backup copy");
    if (!dst) return fail(dst.error());
    sqlite3_backup* job = sqlite3_backup_init((*dst)->handle(), "main", (*src)->handle(), "main");
    if (!job) return fail((*dst)->error("starting the backup", sqlite3_errcode((*dst)->handle())));
    // All pages in one step: one read transaction, a consistent snapshot. BUSY/LOCKED only while
    // another connection holds an exclusive lock (e.g. a checkpoint in rollback mode): retry.
    int rc = SQLITE_OK;
    for (int attempt = 0; attempt < 200; ++attempt) {
      rc = sqlite3_backup_step(job, -1);
      if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    sqlite3_backup_finish(job);
    if (rc != SQLITE_DONE) return fail((*dst)->error("copying " + source.string(), rc));
    // A backup is one self-contained file: no -wal/-shm beside it.
    if (auto mode = (*dst)->query_text("PRAGMA journal_mode = DELETE"); !mode) return fail(mode.error());
    auto check = (*dst)->query_text("PRAGMA integrity_check");
    if (!check) return fail(check.error());
    if (*check != "ok") {
      return fail(StoreError{StoreErrorKind::corrupt, "backup failed its integrity check: " + *check, 0});
    }
  }
  if (auto r = fsync_path(partial.path, O_RDONLY); !r) return fail(r.error());
  if (::rename(partial.path.c_str(), destination.c_str()) != 0) {
    return fail(io_error("cannot move the backup into place", destination, errno));
  }
  partial.keep = true;
  const auto dir = destination.parent_path().empty() ? std::filesystem::path(".") : destination.parent_path();
  if (auto r = fsync_path(dir, O_RDONLY | O_DIRECTORY); !r) return fail(r.error());

  BackupReport report;
  report.bytes = std::filesystem::file_size(destination, ec);
  auto copy = sql::Connection::open(destination, SQLITE_OPEN_READONLY, "backup");
  if (!copy) return fail(copy.error());
  auto v = (*copy)->query_int("PRAGMA user_version");
  auto meters = count_rows(**copy, "meters");
  auto events = count_rows(**copy, "events");
  auto outbox = count_rows(**copy, "outbox");
  if (!v || !meters || !events || !outbox) {
    return fail(StoreError{StoreErrorKind::corrupt, "backup written but unreadable: " + destination.string(), 0});
  }
  report.schema_version = static_cast<int>(*v);
  report.meters = *meters;
  report.events = *events;
  report.outbox = *outbox;
  return report;
}

}  // namespace bridge::store
