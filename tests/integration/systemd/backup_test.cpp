// `dlms-bridge backup --to FILE` against a running bridge that keeps writing (meters polled
// every second, broker down so every reading lands in the outbox), and its refusals.
#include <gtest/gtest.h>

#include <sstream>

#include "bridge_stack.h"
#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using testing_support::bin;
using testing_support::run;
using testing_support::TempDir;

struct Copy {
  std::string integrity;
  long schema = -1, meters = -1, outbox = -1, config_versions = -1;
};

// Reads the backup with the sqlite3 CLI: an independent reader, not our code.
Copy inspect(const std::filesystem::path& file) {
  auto r = run({"sqlite3", "-readonly", file.string(),
                "PRAGMA integrity_check; PRAGMA user_version; SELECT count(*) FROM meters; "
                "SELECT count(*) FROM outbox; SELECT count(*) FROM config_versions;"});
  Copy c;
  std::istringstream in(r.out);
  in >> c.integrity >> c.schema >> c.meters >> c.outbox >> c.config_versions;
  return c;
}

long store_schema(const std::filesystem::path& db) {
  auto r = run({"sqlite3", "-readonly", db.string(), "PRAGMA user_version;"});
  return std::stol(r.out.empty() ? "-1" : r.out);
}

TEST(BackupTest, consistent_copies_while_the_bridge_runs_and_writes) {
  e2e::StackOptions options;
  options.meters = 4;
  options.poll_interval = "1s";
  e2e::BridgeStack stack(options);
  stack.start_bridge();
  ASSERT_TRUE(stack.wait_ready()) << stack.logs();
  stack.stop_broker();  // from now on every reading is a new outbox row
  const auto db = stack.dir() / "state/bridge.db";

  long previous_outbox = -1;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(testing_support::wait_until([&] { return inspect(db).outbox > previous_outbox; }, 15s))
        << "the bridge stopped writing\n" << stack.logs();
    const auto file = stack.dir() / ("backup-" + std::to_string(i) + ".db");
    auto r = run({bin("dlms-bridge"), "backup", "--config", stack.config_path().string(), "--to", file.string()},
                 30s);
    ASSERT_EQ(r.exit_code, 0) << r.err << stack.logs();
    EXPECT_NE(r.out.find("backed up"), std::string::npos) << r.out;
    auto copy = inspect(file);
    EXPECT_EQ(copy.integrity, "ok");
    EXPECT_EQ(copy.schema, store_schema(db));
    EXPECT_EQ(copy.meters, 4);
    EXPECT_EQ(copy.config_versions, 1);  // the start-up config
    EXPECT_GT(copy.outbox, previous_outbox) << "backup " << i << " is older than the previous one";
    previous_outbox = copy.outbox;
    // One self-contained file, private like the store.
    EXPECT_FALSE(std::filesystem::exists(file.string() + "-wal"));
    EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  // The bridge never noticed: still running, still writing.
  EXPECT_TRUE(stack.bridge().running());
  EXPECT_TRUE(testing_support::wait_until([&] { return inspect(db).outbox > previous_outbox; }, 15s));
}

TEST(BackupTest, refuses_to_replace_an_existing_file_unless_forced) {
  TempDir dir;
  const auto db = dir / "store.db";
  ASSERT_EQ(run({"sqlite3", db.string(), "CREATE TABLE meters (id); CREATE TABLE events (id); "
                                         "CREATE TABLE outbox (id); CREATE TABLE config_versions (id); "
                                         "PRAGMA user_version = 2;"})
                .exit_code,
            0);
  const auto file = dir / "backup.db";
  testing_support::write_file(file, "precious");
  auto r = run({bin("dlms-bridge"), "backup", "--store", db.string(), "--to", file.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("exists"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_EQ(testing_support::read_file(file), "precious");

  r = run({bin("dlms-bridge"), "backup", "--store", db.string(), "--to", file.string(), "--force"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(inspect(file).integrity, "ok");
}

TEST(BackupTest, a_missing_store_or_a_file_that_is_not_one_is_a_clear_error) {
  TempDir dir;
  auto r = run({bin("dlms-bridge"), "backup", "--store", (dir / "nope.db").string(), "--to", (dir / "b.db").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no store to back up"), std::string::npos) << r.err;

  testing_support::write_file(dir / "text.db", "this is not a database, just text that is long enough......");
  r = run({bin("dlms-bridge"), "backup", "--store", (dir / "text.db").string(), "--to", (dir / "b.db").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("text.db"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "b.db"));

  r = run({bin("dlms-bridge"), "backup", "--config", (dir / "missing.toml").string(), "--to", (dir / "b.db").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("missing.toml"), std::string::npos) << r.err;
}

}  // namespace
