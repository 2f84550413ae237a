// The config history in the store: migration 2 on an existing store, record/list, `changed`.
#include <gtest/gtest.h>

#include "bridge/store/store.h"
#include "store_test_util.h"
#include "testing/process.h"

namespace bridge::store {
namespace {

using test::get;
using test::open_ok;
using test::RawDb;

ConfigVersion version(std::int64_t ts, std::string sha, std::string trigger) {
  return ConfigVersion{.ts_ms = ts, .sha256 = std::move(sha), .trigger = std::move(trigger), .actor = "",
                       .source = "/etc/dlms-bridge/dlms-bridge.toml", .meters = 3, .config = "{}"};
}

TEST(ConfigVersions, MigrationTwoUpgradesAVersionOneStoreAndKeepsItsRows) {
  testing_support::TempDir dir;
  const auto db = dir / "bridge.db";
  {
    auto store = open_ok(db);
    ASSERT_TRUE(store);
    store->submit_event(Event{.ts_ms = 5, .meter = "", .severity = Severity::info, .category = "startup",
                              .message = "from version 1", .details = ""});
    ASSERT_TRUE(get(store->flush()));
  }
  {
    // What a store written by the previous release looks like.
    RawDb raw(db);
    ASSERT_EQ(raw.exec("DROP TABLE profile_progress; DROP TABLE config_versions; PRAGMA user_version = 1;"),
              SQLITE_OK);
  }
  auto store = open_ok(db);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), Store::kSchemaVersion);
  auto events = store->events();
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().event.message, "from version 1");
  auto id = get(store->record_config_version(version(10, "aa", "startup")));
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_GT(*id, 0);
}

TEST(ConfigVersions, NewestFirstWithChangedAgainstThePreviousVersion) {
  testing_support::TempDir dir;
  auto store = open_ok(dir / "bridge.db");
  ASSERT_TRUE(store);
  ASSERT_TRUE(get(store->record_config_version(version(10, "aa", "startup"))));
  ASSERT_TRUE(get(store->record_config_version(version(20, "aa", "sighup"))));
  ASSERT_TRUE(get(store->record_config_version(version(30, "bb", "api"))));
  auto all = store->config_versions();
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].trigger, "api");
  EXPECT_TRUE((*all)[0].changed);
  EXPECT_EQ((*all)[1].trigger, "sighup");
  EXPECT_FALSE((*all)[1].changed);
  EXPECT_TRUE((*all)[2].changed) << "the first version counts as a change";

  // `changed` compares with the row before, even when the limit leaves it out.
  auto newest_two = store->config_versions(2);
  ASSERT_TRUE(newest_two);
  ASSERT_EQ(newest_two->size(), 2u);
  EXPECT_FALSE((*newest_two)[1].changed);

  auto one = store->config_versions(1, (*all)[1].id);
  ASSERT_TRUE(one);
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one->front().ts_ms, 20);
  EXPECT_FALSE(one->front().changed);
  auto none = store->config_versions(1, 999);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(ConfigVersions, AnUnknownTriggerIsRefusedByTheSchema) {
  testing_support::TempDir dir;
  auto store = open_ok(dir / "bridge.db");
  ASSERT_TRUE(store);
  auto r = get(store->record_config_version(version(10, "aa", "cron")));
  EXPECT_FALSE(r);
}

}  // namespace
}  // namespace bridge::store
