// Outbox: FIFO ids, out-of-order deletes, paging, caps, and durability across kill -9.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <set>

#include "bridge/store/store.h"
#include "store_test_util.h"
#include "testing/process.h"

namespace bridge::store {
namespace {

using test::open_ok;
using test::RawDb;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::vector<OutboxMessage> batch(int n, std::int64_t ts0 = 1000, std::int64_t created = 0, std::string meter = "m1") {
  std::vector<OutboxMessage> out;
  for (int i = 0; i < n; ++i) {
    out.push_back({meter, "v1/gateway/telemetry", "{\"m1\":[{\"ts\":" + std::to_string(ts0 + i) + "}]}", ts0 + i,
                   created});
  }
  return out;
}

std::vector<std::int64_t> ids_of(const std::vector<OutboxRow>& rows) {
  std::vector<std::int64_t> ids;
  for (const auto& r : rows) ids.push_back(r.id);
  return ids;
}

TEST(Outbox, InsertBatchReturnsAscendingFifoIdsAndRoundTripsBinaryPayloads) {
  testing_support::TempDir dir;
  StoreOptions o = test::fast_options();
  o.clock = [] { return std::int64_t{42}; };
  auto store = open_ok(dir / "b.db", o);
  ASSERT_TRUE(store);
  auto msgs = batch(3);
  msgs[1].payload = std::string("\x00\x01\xff\x7e", 4);  // binary safe
  msgs[2].created_ms = 99;
  auto ids = store->outbox_insert_batch(msgs);
  ASSERT_TRUE(ids) << ids.error().message;
  ASSERT_EQ(ids->size(), 3u);
  EXPECT_LT((*ids)[0], (*ids)[1]);
  EXPECT_LT((*ids)[1], (*ids)[2]);
  EXPECT_EQ(store->outbox_count(), 3);

  auto rows = store->outbox_pending(0, 10);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ(ids_of(*rows), *ids);
  EXPECT_EQ((*rows)[0].meter, "m1");
  EXPECT_EQ((*rows)[0].topic, "v1/gateway/telemetry");
  EXPECT_EQ((*rows)[0].payload, msgs[0].payload);
  EXPECT_EQ((*rows)[1].payload, std::string("\x00\x01\xff\x7e", 4));
  EXPECT_EQ((*rows)[0].ts_ms, 1000);
  EXPECT_EQ((*rows)[0].created_ms, 42);  // store clock when not given
  EXPECT_EQ((*rows)[2].created_ms, 99);
  EXPECT_EQ((*rows)[0].attempts, 0);

  auto empty = store->outbox_insert_batch(std::vector<OutboxMessage>{});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(Outbox, OutOfOrderDeletesKeepFifoOrderAndIdsAreNeverReused) {
  testing_support::TempDir dir;
  const fs::path db = dir / "b.db";
  auto store = open_ok(db);
  ASSERT_TRUE(store);
  auto ids = store->outbox_insert_batch(batch(6));
  ASSERT_TRUE(ids);
  // PUBACKs arrive out of order.
  std::vector<std::int64_t> acked{(*ids)[4], (*ids)[1], (*ids)[5], 123456789};
  auto n = store->outbox_delete(acked);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 3);  // unknown id ignored
  EXPECT_EQ(store->outbox_count(), 3);
  auto rows = store->outbox_pending(0, 100);
  ASSERT_TRUE(rows);
  EXPECT_EQ(ids_of(*rows), (std::vector<std::int64_t>{(*ids)[0], (*ids)[2], (*ids)[3]}));

  // Deleting the newest row must not let AUTOINCREMENT hand its id out again.
  auto more = store->outbox_insert_batch(batch(1));
  ASSERT_TRUE(more);
  EXPECT_GT(more->front(), (*ids)[5]);
  // Deleting twice is harmless.
  n = store->outbox_delete(acked);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(store->outbox_count(), 4);
}

TEST(Outbox, PendingPagesOldestFirstWithAfterId) {
  testing_support::TempDir dir;
  auto store = open_ok(dir / "b.db");
  ASSERT_TRUE(store);
  auto ids = store->outbox_insert_batch(batch(25));
  ASSERT_TRUE(ids);
  std::vector<std::int64_t> seen;
  std::int64_t after = 0;
  int pages = 0;
  for (;;) {
    auto page = store->outbox_pending(after, 10);
    ASSERT_TRUE(page);
    if (page->empty()) break;
    ++pages;
    for (const auto& r : *page) seen.push_back(r.id);
    after = page->back().id;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, *ids);
  auto none = store->outbox_pending(0, 0);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(Outbox, OldestTimestampAndAttempts) {
  testing_support::TempDir dir;
  auto store = open_ok(dir / "b.db");
  ASSERT_TRUE(store);
  auto oldest = store->outbox_oldest_ts();
  ASSERT_TRUE(oldest);
  EXPECT_FALSE(oldest->has_value());
  auto ids = store->outbox_insert_batch(batch(3, 5000));
  ASSERT_TRUE(ids);
  oldest = store->outbox_oldest_ts();
  ASSERT_TRUE(oldest && oldest->has_value());
  EXPECT_EQ(**oldest, 5000);
  ASSERT_TRUE(store->outbox_delete(std::vector<std::int64_t>{ids->front()}));
  oldest = store->outbox_oldest_ts();
  ASSERT_TRUE(oldest && oldest->has_value());
  EXPECT_EQ(**oldest, 5001);

  ASSERT_TRUE(store->outbox_record_attempts(std::vector<std::int64_t>{(*ids)[1], (*ids)[1], (*ids)[2]}));
  auto rows = store->outbox_pending(0, 10);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].attempts, 2);
  EXPECT_EQ((*rows)[1].attempts, 1);
}

TEST(Outbox, CapByCountDropsTheOldest) {
  testing_support::TempDir dir;
  auto store = open_ok(dir / "b.db");
  ASSERT_TRUE(store);
  auto ids = store->outbox_insert_batch(batch(10));
  ASSERT_TRUE(ids);
  auto d = store->outbox_enforce_caps(7, 0ms, 0);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->max_messages, 3);
  EXPECT_EQ(d->max_age, 0);
  EXPECT_EQ(store->outbox_count(), 7);
  auto rows = store->outbox_pending(0, 100);
  ASSERT_TRUE(rows);
  EXPECT_EQ(ids_of(*rows), std::vector<std::int64_t>(ids->begin() + 3, ids->end()));
  // Under the cap: nothing happens.
  d = store->outbox_enforce_caps(7, 0ms, 0);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->max_messages, 0);
}

TEST(Outbox, CapByAgeDropsExpiredHeadThenCountCapAppliesToTheRest) {
  testing_support::TempDir dir;
  auto store = open_ok(dir / "b.db");
  ASSERT_TRUE(store);
  // 2500 rows created at t=1000 (spans several head-scan chunks), then 5 at t=9000.
  ASSERT_TRUE(store->outbox_insert_batch(batch(2500, 1, 1000)));
  auto young = store->outbox_insert_batch(batch(5, 1, 9000));
  ASSERT_TRUE(young);
  // now = 10,000, max_age = 5 s: rows created before 5,000 are expired.
  auto d = store->outbox_enforce_caps(0, 5000ms, 10'000);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->max_age, 2500);
  EXPECT_EQ(d->max_messages, 0);
  EXPECT_EQ(store->outbox_count(), 5);
  auto rows = store->outbox_pending(0, 100);
  ASSERT_TRUE(rows);
  EXPECT_EQ(ids_of(*rows), *young);

  // Both caps at once: age first, then count.
  ASSERT_TRUE(store->outbox_insert_batch(batch(4, 1, 20'000)));
  d = store->outbox_enforce_caps(3, 5000ms, 21'000);  // the 5 rows from t=9000 expire
  ASSERT_TRUE(d);
  EXPECT_EQ(d->max_age, 5);
  EXPECT_EQ(d->max_messages, 1);
  EXPECT_EQ(store->outbox_count(), 3);
}

TEST(Outbox, CountSurvivesReopen) {
  testing_support::TempDir dir;
  const fs::path db = dir / "b.db";
  {
    auto store = open_ok(db);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->outbox_insert_batch(batch(17)));
  }
  auto store = open_ok(db);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->outbox_count(), 17);
}

TEST(Outbox, ConcurrentInsertAndDeleteFromTwoThreadsStayConsistent) {
  testing_support::TempDir dir;
  auto store = open_ok(dir / "b.db");
  ASSERT_TRUE(store);
  constexpr int kBatches = 200;
  std::thread inserter([&] {
    for (int i = 0; i < kBatches; ++i) ASSERT_TRUE(store->outbox_insert_batch(batch(10)));
  });
  std::int64_t deleted = 0;
  std::int64_t after = 0;
  // A PUBACK-style consumer: deletes whatever is pending, while events are written too.
  const bool done = testing_support::wait_until(
      [&] {
        store->submit_event(Event{1, "m1", Severity::info, "outbox", "tick", ""});
        auto rows = store->outbox_pending(after, 50);
        EXPECT_TRUE(rows);
        if (rows && !rows->empty()) {
          after = rows->back().id;
          auto n = store->outbox_delete(ids_of(*rows));
          EXPECT_TRUE(n);
          if (n) deleted += *n;
        }
        return deleted == kBatches * 10;
      },
      60s);
  inserter.join();
  EXPECT_TRUE(done);
  EXPECT_EQ(store->outbox_count(), 0);
  RawDb raw(dir / "b.db");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM outbox"), 0);
}

// A child process inserts batches and reports each committed batch's ids on a pipe, then gets
// SIGKILL mid-stream. Every reported id must be in the database afterwards.
TEST(OutboxDurability, EveryCommittedRowSurvivesKill9) {
  testing_support::TempDir dir;
  const fs::path db = dir / "b.db";
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  // Whatever happens in the parent (a failed ASSERT returns early), the child does not outlive it.
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      if (pid > 0 && ::kill(pid, SIGKILL) == 0) ::waitpid(pid, nullptr, 0);
    }
  } reaper{pid};
  if (pid == 0) {
    ::close(fds[0]);
    auto store = Store::open(db, test::fast_options());
    if (!store) ::_exit(3);
    for (int i = 0;; ++i) {
      auto ids = (*store)->outbox_insert_batch(batch(50, i * 50));
      if (!ids) ::_exit(4);
      (*store)->submit_event(Event{i, "m1", Severity::info, "outbox", "batch", ""});
      for (std::int64_t id : *ids) {
        if (::write(fds[1], &id, sizeof id) != sizeof id) ::_exit(5);
      }
    }
  }
  ::close(fds[1]);
  std::set<std::int64_t> reported;
  while (reported.size() < 5000) {
    std::int64_t id = 0;
    ssize_t n = ::read(fds[0], &id, sizeof id);
    ASSERT_EQ(n, static_cast<ssize_t>(sizeof id)) << "child died early";
    reported.insert(id);
  }
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  reaper.pid = -1;
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  // Drain ids the child reported between our last read and the kill.
  for (;;) {
    std::int64_t id = 0;
    if (::read(fds[0], &id, sizeof id) != static_cast<ssize_t>(sizeof id)) break;
    reported.insert(id);
  }
  ::close(fds[0]);

  auto store = open_ok(db);  // the instance lock died with the child
  ASSERT_TRUE(store);
  std::set<std::int64_t> found;
  std::int64_t after = 0;
  for (;;) {
    auto page = store->outbox_pending(after, 10'000);
    ASSERT_TRUE(page);
    if (page->empty()) break;
    for (const auto& r : *page) found.insert(r.id);
    after = page->back().id;
  }
  EXPECT_EQ(store->outbox_count(), static_cast<std::int64_t>(found.size()));
  std::size_t missing = 0;
  for (std::int64_t id : reported) missing += found.contains(id) ? 0 : 1;
  EXPECT_EQ(missing, 0u) << "of " << reported.size() << " reported ids";
  EXPECT_GE(found.size(), reported.size());
}

}  // namespace
}  // namespace bridge::store
