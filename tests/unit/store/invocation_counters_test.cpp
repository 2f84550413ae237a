// HLS-GMAC invocation counters in the store: kept per meter and system title, never lowered,
// surviving a reopen (a bridge restart), and added to an older store by migration 4.
#include <gtest/gtest.h>

#include "bridge/store/store.h"
#include "store_test_util.h"
#include "testing/process.h"

namespace bridge::store {
namespace {

using test::get;
using test::open_ok;
using test::RawDb;

TEST(InvocationCounters, SavedValuesOnlyGrowAndSurviveAReopen) {
  testing_support::TempDir dir;
  const auto db = dir / "bridge.db";
  {
    auto store = open_ok(db);
    ASSERT_TRUE(store);
    EXPECT_EQ(*store->invocation_counter("m1", "4D4D4D0000000001"), std::nullopt);
    ASSERT_TRUE(store->save_invocation_counter("m1", "4D4D4D0000000001", 1000));
    ASSERT_TRUE(store->save_invocation_counter("m1", "4D4D4D0000000001", 400));  // late, lower: ignored
    ASSERT_TRUE(store->save_invocation_counter("m2", "4D4D4D0000000001", 7));
    ASSERT_TRUE(store->save_invocation_counter("m1", "4D4D4D0000000002", 0xFFFFFFFFU));
    ASSERT_TRUE(get(store->flush()));
    EXPECT_EQ(*store->invocation_counter("m1", "4D4D4D0000000001"), 1000U);
  }
  auto store = open_ok(db);
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->invocation_counter("m1", "4D4D4D0000000001"), 1000U);
  EXPECT_EQ(*store->invocation_counter("m2", "4D4D4D0000000001"), 7U);
  EXPECT_EQ(*store->invocation_counter("m1", "4D4D4D0000000002"), 0xFFFFFFFFU);
}

TEST(InvocationCounters, MigrationFourUpgradesAVersionThreeStore) {
  testing_support::TempDir dir;
  const auto db = dir / "bridge.db";
  { ASSERT_TRUE(open_ok(db)); }
  {
    RawDb raw(db);
    ASSERT_EQ(raw.exec("DROP TABLE invocation_counters; PRAGMA user_version = 3;"), SQLITE_OK);
  }
  auto store = open_ok(db);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), 4);
  ASSERT_TRUE(store->save_invocation_counter("m1", "4D4D4D0000000001", 5));
  ASSERT_TRUE(get(store->flush()));
  EXPECT_EQ(*store->invocation_counter("m1", "4D4D4D0000000001"), 5U);
}

}  // namespace
}  // namespace bridge::store
