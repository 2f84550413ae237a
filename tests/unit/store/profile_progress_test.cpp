// Load-profile progress marks: rows and mark move together in one transaction, overlapping
// re-reads are not inserted twice, and the mark survives a restart.
#include <gtest/gtest.h>

#include "bridge/store/store.h"
#include "store_test_util.h"
#include "testing/process.h"

namespace bridge::store {
namespace {

using test::open_ok;
using test::RawDb;

constexpr std::int64_t kQuarter = 900'000;
constexpr std::int64_t kT0 = 1'764'460'800'000;  // 2025-11-30T00:00:00Z

// Rows of the profile at quarter hours first..last (inclusive).
std::vector<OutboxMessage> rows(int first, int last, const std::string& meter = "m1") {
  std::vector<OutboxMessage> out;
  for (int k = first; k <= last; ++k) {
    const std::int64_t ts = kT0 + k * kQuarter;
    out.push_back({meter, "v1/gateway/telemetry", "{\"" + meter + "\":[{\"ts\":" + std::to_string(ts) + "}]}", ts, 0});
  }
  return out;
}

std::vector<std::int64_t> outbox_ts(Store& store) {
  std::vector<std::int64_t> ts;
  auto pending = store.outbox_pending(0, 1000);
  EXPECT_TRUE(pending);
  if (pending) for (const auto& r : *pending) ts.push_back(r.ts_ms);
  return ts;
}

TEST(ProfileProgress, RowsEnterTheOutboxAndTheMarkFollowsTheLastOne) {
  testing_support::TempDir dir;
  auto store = open_ok(dir / "p.db");
  ASSERT_TRUE(store);
  auto none = store->profile_mark("m1", "1-0:99.1.0");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());

  auto r = store->outbox_insert_profile_rows("m1", "1-0:99.1.0", rows(0, 3));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->ids.size(), 4u);
  EXPECT_EQ(r->skipped, 0);
  EXPECT_EQ(r->last_row_ms, kT0 + 3 * kQuarter);
  EXPECT_EQ(store->outbox_count(), 4);
  EXPECT_EQ(outbox_ts(*store), (std::vector<std::int64_t>{kT0, kT0 + kQuarter, kT0 + 2 * kQuarter, kT0 + 3 * kQuarter}));

  auto mark = store->profile_mark("m1", "1-0:99.1.0");
  ASSERT_TRUE(mark);
  ASSERT_TRUE(mark->has_value());
  EXPECT_EQ(**mark, kT0 + 3 * kQuarter);
  // Per meter and profile.
  auto other = store->profile_mark("m1", "1-0:99.2.0");
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->has_value());
}

TEST(ProfileProgress, AnOverlappingReReadInsertsOnlyTheNewRows) {
  testing_support::TempDir dir;
  auto store = open_ok(dir / "p.db");
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->outbox_insert_profile_rows("m1", "1-0:99.1.0", rows(0, 3)));
  auto r = store->outbox_insert_profile_rows("m1", "1-0:99.1.0", rows(2, 6));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->ids.size(), 3u);  // quarters 4, 5, 6
  EXPECT_EQ(r->skipped, 2);      // quarters 2, 3 were in already
  EXPECT_EQ(r->last_row_ms, kT0 + 6 * kQuarter);
  const auto ts = outbox_ts(*store);
  ASSERT_EQ(ts.size(), 7u);
  for (std::size_t i = 0; i < ts.size(); ++i) EXPECT_EQ(ts[i], kT0 + static_cast<std::int64_t>(i) * kQuarter);

  // Nothing new: nothing inserted, the mark stays.
  auto again = store->outbox_insert_profile_rows("m1", "1-0:99.1.0", rows(0, 6));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->ids.empty());
  EXPECT_EQ(again->skipped, 7);
  EXPECT_EQ(again->last_row_ms, kT0 + 6 * kQuarter);
  EXPECT_EQ(store->outbox_count(), 7);
}

TEST(ProfileProgress, ARowNotAfterThePreviousOneIsSkipped) {
  testing_support::TempDir dir;
  auto store = open_ok(dir / "p.db");
  ASSERT_TRUE(store);
  auto batch = rows(0, 2);
  batch.push_back(batch[1]);  // a repeated (out-of-order) row from a confused meter
  auto r = store->outbox_insert_profile_rows("m1", "1-0:99.1.0", batch);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->ids.size(), 3u);
  EXPECT_EQ(r->skipped, 1);
  EXPECT_EQ(r->last_row_ms, kT0 + 2 * kQuarter);
}

TEST(ProfileProgress, AFailedInsertLeavesNeitherRowsNorAMovedMark) {
  testing_support::TempDir dir;
  const auto db = dir / "p.db";
  auto store = open_ok(db);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->outbox_insert_profile_rows("m1", "1-0:99.1.0", rows(0, 1)));
  {
    // The third row of the next batch cannot be stored (a full disk, a constraint): the
    // whole batch must roll back, mark included, so the next read retries all of it.
    RawDb raw(db);
    ASSERT_EQ(raw.exec("CREATE TRIGGER fail_row BEFORE INSERT ON outbox WHEN NEW.ts_ms = " +
                       std::to_string(kT0 + 4 * kQuarter) + " BEGIN SELECT RAISE(ABORT, 'disk full'); END;"),
              SQLITE_OK);
  }
  auto r = store->outbox_insert_profile_rows("m1", "1-0:99.1.0", rows(2, 5));
  ASSERT_FALSE(r);
  EXPECT_EQ(store->outbox_count(), 2);
  EXPECT_EQ(outbox_ts(*store).size(), 2u);
  auto mark = store->profile_mark("m1", "1-0:99.1.0");
  ASSERT_TRUE(mark);
  ASSERT_TRUE(mark->has_value());
  EXPECT_EQ(**mark, kT0 + kQuarter);
  {
    RawDb raw(db);
    ASSERT_EQ(raw.exec("DROP TRIGGER fail_row;"), SQLITE_OK);
  }
  auto retry = store->outbox_insert_profile_rows("m1", "1-0:99.1.0", rows(2, 5));
  ASSERT_TRUE(retry) << retry.error().message;
  EXPECT_EQ(retry->ids.size(), 4u);
  EXPECT_EQ(store->outbox_count(), 6);
}

TEST(ProfileProgress, TheMarkSurvivesARestartSoNoRowIsInsertedTwice) {
  testing_support::TempDir dir;
  const auto db = dir / "p.db";
  {
    auto store = open_ok(db);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->outbox_insert_profile_rows("m1", "1-0:99.1.0", rows(0, 3)));
    ASSERT_TRUE(store->outbox_insert_profile_rows("m2", "1-0:99.1.0", rows(0, 1, "m2")));
    // The exporter publishes and deletes the rows: the mark is what remembers them.
    auto pending = store->outbox_pending(0, 100);
    ASSERT_TRUE(pending);
    std::vector<std::int64_t> ids;
    for (const auto& p : *pending) ids.push_back(p.id);
    ASSERT_TRUE(store->outbox_delete(ids));
  }
  auto store = open_ok(db);
  ASSERT_TRUE(store);
  auto marks = store->profile_marks();
  ASSERT_TRUE(marks);
  ASSERT_EQ(marks->size(), 2u);
  EXPECT_EQ((*marks)[0].meter, "m1");
  EXPECT_EQ((*marks)[0].profile, "1-0:99.1.0");
  EXPECT_EQ((*marks)[0].last_row_ms, kT0 + 3 * kQuarter);
  EXPECT_GT((*marks)[0].updated_ms, 0);
  EXPECT_EQ((*marks)[1].meter, "m2");
  EXPECT_EQ((*marks)[1].last_row_ms, kT0 + kQuarter);

  // The read after the restart overlaps what was published before it.
  auto r = store->outbox_insert_profile_rows("m1", "1-0:99.1.0", rows(0, 5));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->skipped, 4);
  EXPECT_EQ(outbox_ts(*store), (std::vector<std::int64_t>{kT0 + 4 * kQuarter, kT0 + 5 * kQuarter}));
}

TEST(ProfileProgress, AStoreFromTheVersionBeforeGetsTheTable) {
  testing_support::TempDir dir;
  const auto db = dir / "p.db";
  { ASSERT_TRUE(open_ok(db)); }
  {
    RawDb raw(db);
    ASSERT_EQ(raw.exec("DROP TABLE profile_progress; PRAGMA user_version = 2;"), SQLITE_OK);
  }
  auto store = open_ok(db);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), Store::kSchemaVersion);
  auto r = store->outbox_insert_profile_rows("m1", "1-0:99.1.0", rows(0, 0));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->ids.size(), 1u);
}

}  // namespace
}  // namespace bridge::store
