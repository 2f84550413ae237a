// Store::open: file creation, WAL, migrations, reopen, and every documented failure.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "bridge/store/store.h"
#include "store_test_util.h"
#include "testing/process.h"

namespace bridge::store {
namespace {

using test::fast_options;
using test::open_ok;
using test::RawDb;
namespace fs = std::filesystem;

void write_bytes(const fs::path& p, const std::string& bytes, std::streamoff at = 0, bool truncate = true) {
  std::fstream f(p, std::ios::binary | std::ios::in | std::ios::out | (truncate ? std::ios::trunc : std::ios::openmode{}));
  if (!f) f.open(p, std::ios::binary | std::ios::out);
  f.seekp(at);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(StoreOpen, MigratesFromEmptyCreatingDirectoryFileMode0600AndWal) {
  testing_support::TempDir dir;
  const fs::path db = dir / "state/nested/bridge.db";
  {
    auto store = open_ok(db);
    ASSERT_TRUE(store);
    EXPECT_EQ(store->schema_version(), Store::kSchemaVersion);
    EXPECT_EQ(store->path(), db);
  }
  struct stat st {};
  ASSERT_EQ(::stat(db.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  RawDb raw(db);
  EXPECT_EQ(raw.scalar("PRAGMA user_version"), Store::kSchemaVersion);
  EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
  for (const char* table : {"meters", "events", "diagnostics", "outbox"}) {
    EXPECT_EQ(raw.scalar(std::string("SELECT count(*) FROM sqlite_schema WHERE type='table' AND name='") + table + "'"), 1)
        << table;
  }
}

TEST(StoreOpen, WalAndShmFilesAreNotWorldReadableEither) {
  testing_support::TempDir dir;
  const fs::path db = dir / "bridge.db";
  const mode_t old = ::umask(0);  // even with a permissive umask
  auto store = open_ok(db);
  ::umask(old);
  ASSERT_TRUE(store);
  std::vector<OutboxMessage> one{{"m1", "t", "p", 1, 0}};
  ASSERT_TRUE(store->outbox_insert_batch(one));
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) {
    struct stat st {};
    fs::path p = db;
    p += suffix;
    ASSERT_EQ(::stat(p.c_str(), &st), 0) << p;
    EXPECT_EQ(st.st_mode & 077, 0u) << p;
  }
}

TEST(StoreOpen, ReopenKeepsDataAndVersionAndDoesNotRerunMigrations) {
  testing_support::TempDir dir;
  const fs::path db = dir / "bridge.db";
  {
    auto store = open_ok(db);
    ASSERT_TRUE(store);
    store->submit_event(Event{.ts_ms = 5, .meter = "m1", .severity = Severity::info, .category = "startup",
                              .message = "hello", .details = ""});
    ASSERT_TRUE(test::get(store->flush()));
  }
  for (int i = 0; i < 3; ++i) {
    auto store = open_ok(db);
    ASSERT_TRUE(store);
    EXPECT_EQ(store->schema_version(), Store::kSchemaVersion);
    auto events = store->events();
    ASSERT_TRUE(events);
    ASSERT_EQ(events->size(), 1u);
    EXPECT_EQ(events->front().event.message, "hello");
  }
  RawDb raw(db);
  EXPECT_EQ(raw.scalar("PRAGMA user_version"), Store::kSchemaVersion);
}

TEST(StoreOpen, RefusesADatabaseFromANewerSchema) {
  testing_support::TempDir dir;
  const fs::path db = dir / "bridge.db";
  { ASSERT_TRUE(open_ok(db)); }
  {
    RawDb raw(db);
    ASSERT_EQ(raw.exec("PRAGMA user_version = 99"), SQLITE_OK);
  }
  auto store = Store::open(db, fast_options());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, StoreErrorKind::schema_too_new);
  EXPECT_NE(store.error().message.find(db.string()), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find("99"), std::string::npos) << store.error().message;
}

TEST(StoreOpen, GarbageFileIsNotADatabase) {
  testing_support::TempDir dir;
  const fs::path db = dir / "bridge.db";
  std::string garbage(8192, '\0');
  for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 131 + 7) % 251);
  write_bytes(db, garbage);
  auto store = Store::open(db, fast_options());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, StoreErrorKind::not_a_database) << store.error().message;
  EXPECT_NE(store.error().message.find(db.string()), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find("not a database"), std::string::npos) << store.error().message;
  EXPECT_EQ(store.error().sqlite_code & 0xff, SQLITE_NOTADB);
}

TEST(StoreOpen, DamagedSchemaPageIsCorrupt) {
  testing_support::TempDir dir;
  const fs::path db = dir / "bridge.db";
  { ASSERT_TRUE(open_ok(db)); }  // closing checkpoints the WAL into the main file
  ASSERT_FALSE(fs::exists(dir / "bridge.db-wal") && fs::file_size(dir / "bridge.db-wal") > 0);
  // Keep the 100-byte header valid, overwrite the rest of page 1 (the schema b-tree).
  write_bytes(db, std::string(3000, '\xAB'), 100, /*truncate=*/false);
  auto store = Store::open(db, fast_options());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, StoreErrorKind::corrupt) << store.error().message;
  EXPECT_NE(store.error().message.find(db.string()), std::string::npos) << store.error().message;
}

TEST(StoreOpen, DirectoryPathUnderARegularFileIsAClearIoError) {
  // Runs as root in CI, so permission bits would not stop us: a regular file where a directory
  // must be fails for the right reason (ENOTDIR) regardless of privileges.
  testing_support::TempDir dir;
  const fs::path blocker = dir / "not-a-dir";
  write_bytes(blocker, "x");
  const fs::path db = blocker / "state" / "bridge.db";
  auto store = Store::open(db, fast_options());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, StoreErrorKind::io) << store.error().message;
  EXPECT_NE(store.error().message.find(db.string()), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find("Not a directory"), std::string::npos) << store.error().message;
}

// Root ignores permission bits, and CI runs as root: the open runs in a forked child that first
// drops to an unprivileged user (nobody), so the read_only kind is tested either way.
TEST(StoreOpen, UnwritableDirectoryIsReadOnly) {
  testing_support::TempDir dir;
  const fs::path ro = dir / "ro";
  fs::create_directory(ro);
  // Traversable for everyone, writable for no one (the temp dir itself is 0700).
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read | fs::perms::group_exec |
                          fs::perms::others_read | fs::perms::others_exec);
  const auto result = test::in_unprivileged_child([&]() -> std::string {
    auto store = Store::open(ro / "bridge.db", fast_options());
    if (store) return "opened";
    return std::string(to_label(store.error().kind)) + ": " + store.error().message;
  });
  fs::permissions(ro, fs::perms::owner_all);
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(result->rfind("read_only: ", 0), 0u) << *result;
  EXPECT_NE(result->find(ro.string()), std::string::npos) << *result;
  EXPECT_FALSE(fs::exists(ro / "bridge.db"));
}

TEST(StoreOpen, PathThatIsADirectoryIsRejected) {
  testing_support::TempDir dir;
  fs::create_directory(dir / "db-dir");
  auto store = Store::open(dir / "db-dir", fast_options());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, StoreErrorKind::io) << store.error().message;
  EXPECT_NE(store.error().message.find("not a regular file"), std::string::npos) << store.error().message;
}

TEST(StoreOpen, SecondInstanceOnTheSameFileIsLocked) {
  testing_support::TempDir dir;
  const fs::path db = dir / "bridge.db";
  auto first = open_ok(db);
  ASSERT_TRUE(first);
  auto second = Store::open(db, fast_options());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, StoreErrorKind::locked);
  EXPECT_NE(second.error().message.find(db.string()), std::string::npos) << second.error().message;
  first.reset();
  EXPECT_TRUE(open_ok(db));  // the lock goes with the instance
}

TEST(StoreOpen, DatabaseHeldExclusivelyByAnotherConnectionIsLockedAfterBusyTimeout) {
  testing_support::TempDir dir;
  const fs::path db = dir / "bridge.db";
  RawDb holder(db);  // creates the file in rollback-journal mode
  ASSERT_EQ(holder.exec("PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; CREATE TABLE t(x);"), SQLITE_OK);
  StoreOptions o = fast_options();
  o.busy_timeout = std::chrono::milliseconds(100);
  o.exclusive_instance = false;
  auto store = Store::open(db, o);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, StoreErrorKind::locked) << store.error().message;
  EXPECT_NE(store.error().message.find(db.string()), std::string::npos) << store.error().message;
  ASSERT_EQ(holder.exec("COMMIT"), SQLITE_OK);
}

TEST(StoreOpen, QuickCheckOptionPassesOnAHealthyDatabase) {
  testing_support::TempDir dir;
  StoreOptions o = fast_options();
  o.quick_check = true;
  EXPECT_TRUE(open_ok(dir / "bridge.db", o));
}

TEST(StoreOpen, ErrorKindsHaveLabels) {
  EXPECT_EQ(to_label(StoreErrorKind::not_a_database), "not_a_database");
  EXPECT_EQ(to_label(StoreErrorKind::locked), "locked");
  EXPECT_EQ(to_label(StoreErrorKind::schema_too_new), "schema_too_new");
}

}  // namespace
}  // namespace bridge::store
