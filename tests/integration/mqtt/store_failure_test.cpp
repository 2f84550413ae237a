// The outbox cannot take readings (another connection holds SQLite's write lock): readings wait
// in memory and the insert is retried; at shutdown what still could not be stored is counted as
// dropped (reason store_error), never silently lost.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "exporter_fixture.h"

namespace mqtt_it {
namespace {

using bridge::mqtt::Mode;
using mqtt_testing::FakeBroker;
namespace ts = testing_support;

// A second SQLite connection that holds the write lock while it lives.
class WriteLock {
 public:
  explicit WriteLock(const std::filesystem::path& db) {
    EXPECT_EQ(sqlite3_open(db.c_str(), &db_), SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
    EXPECT_EQ(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
  }
  ~WriteLock() { release(); }
  void release() {
    if (db_ == nullptr) return;
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::unique_ptr<bridge::store::Store> open_impatient_store(const std::filesystem::path& path) {
  bridge::store::StoreOptions o;
  o.busy_timeout = 100ms;
  auto s = bridge::store::Store::open(path, o);
  if (!s) throw std::runtime_error("store open failed: " + s.error().message);
  return std::move(*s);
}

TEST(ExporterStoreFailureTest, a_failed_outbox_insert_is_retried_and_the_readings_arrive) {
  ts::TempDir dir;
  auto store = open_impatient_store(dir / "state.db");
  FakeBroker broker([](const FakeBroker::Publish&) { return FakeBroker::Action::puback; });
  EventCollector events;
  bridge::mqtt::Exporter exporter(fast_options(broker.port(), Mode::topic), *store, &events);
  exporter.start();
  ASSERT_TRUE(ts::wait_until([&] { return exporter.connected(); }, 10s));
  WriteLock lock(dir / "state.db");
  for (int n = 0; n < 5; ++n) exporter.on_reading(numbered_reading("meter-1", n));
  ASSERT_TRUE(ts::wait_until([&] { return events.has("store", bridge::Severity::error, "outbox insert failed"); }, 10s));
  EXPECT_EQ(exporter.stats().readings_stored, 0u);
  lock.release();
  ASSERT_TRUE(ts::wait_until([&] { return exporter.stats().readings_acked == 5; }, 10s))
      << exporter.stats().readings_stored << " stored";
  EXPECT_EQ(store->outbox_count(), 0);
  exporter.stop(1s);
  EXPECT_EQ(exporter.stats().dropped_store_error, 0u);
  std::set<std::string> payloads;
  for (const auto& p : broker.acknowledged()) payloads.insert(p.payload);
  EXPECT_EQ(payloads.size(), 5u);
}

TEST(ExporterStoreFailureTest, readings_the_outbox_never_took_are_counted_as_dropped_at_stop) {
  ts::TempDir dir;
  auto store = open_impatient_store(dir / "state.db");
  CountingObserver observer;
  EventCollector events;
  bridge::mqtt::Exporter exporter(fast_options(ts::free_port(), Mode::topic), *store, &events, &observer);
  exporter.start();
  WriteLock lock(dir / "state.db");
  for (int n = 0; n < 3; ++n) exporter.on_reading(numbered_reading("meter-1", n));
  ASSERT_TRUE(ts::wait_until([&] { return events.has("store", bridge::Severity::error, "outbox insert failed"); }, 10s));
  exporter.stop(0ms);  // its last insert attempt still finds the lock taken
  EXPECT_EQ(exporter.stats().dropped_store_error, 3u);
  EXPECT_EQ(observer.drops("store_error"), 3u);
  EXPECT_TRUE(events.has("outbox", bridge::Severity::warning, "store_error"));
}

}  // namespace
}  // namespace mqtt_it
