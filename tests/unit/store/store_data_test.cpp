// Meters, events, diagnostics and the writer/reader concurrency contract.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "bridge/hex.h"
#include "bridge/store/store.h"
#include "bridge/store/throttled_event_sink.h"
#include "store_test_util.h"
#include "testing/process.h"

namespace bridge::store {
namespace {

using test::get;
using test::open_ok;
using test::RawDb;
namespace fs = std::filesystem;

MeterInventory inv(std::string id, int port = 4061) {
  return MeterInventory{std::move(id), "127.0.0.1", port, "hdlc", "client_sap=1 server_logical=1", true};
}

Event ev(std::string meter, Severity sev, std::string category, std::string message, std::int64_t ts = 1000,
         std::string details = "") {
  return Event{ts, std::move(meter), sev, std::move(category), std::move(message), std::move(details)};
}

TEST(StoreMeters, SyncUpsertsMarksRemovedAndCountsChanges) {
  testing_support::TempDir dir;
  StoreOptions o = test::fast_options();
  o.clock = [] { return std::int64_t{777}; };
  auto store = open_ok(dir / "b.db", o);
  ASSERT_TRUE(store);
  auto c = get(store->sync_meters({inv("m1"), inv("m2"), inv("m3")}));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->added, 3);
  EXPECT_EQ(c->updated, 0);
  EXPECT_EQ(c->removed, 0);

  // Same config again: nothing changes.
  c = get(store->sync_meters({inv("m1"), inv("m2"), inv("m3")}));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->added + c->updated + c->removed, 0);

  // m2 port changes, m3 disappears, m4 is new.
  c = get(store->sync_meters({inv("m1"), inv("m2", 5000), inv("m4")}));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->added, 1);
  EXPECT_EQ(c->updated, 1);
  EXPECT_EQ(c->removed, 1);

  auto list = store->list_meters();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].id, "m1");
  EXPECT_EQ((*list)[1].port, 5000);
  EXPECT_EQ((*list)[1].updated_ms, 777);
  EXPECT_EQ((*list)[2].id, "m4");
  auto all = store->list_meters(true);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 4u);
  auto m3 = store->meter("m3");
  ASSERT_TRUE(m3 && *m3);
  EXPECT_TRUE((*m3)->removed);
  EXPECT_EQ((*m3)->status, "removed");

  // m3 comes back: updated, not removed any more.
  c = get(store->sync_meters({inv("m1"), inv("m2", 5000), inv("m3"), inv("m4")}));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->updated, 1);
  m3 = store->meter("m3");
  ASSERT_TRUE(m3 && *m3);
  EXPECT_FALSE((*m3)->removed);
  EXPECT_EQ((*m3)->status, "unknown");
  auto missing = store->meter("nope");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST(StoreMeters, PausedFlagSurvivesSyncAndReopen) {
  testing_support::TempDir dir;
  const fs::path db = dir / "b.db";
  {
    auto store = open_ok(db);
    ASSERT_TRUE(store);
    ASSERT_TRUE(get(store->sync_meters({inv("m1"), inv("m2"), inv("m3")})));
    auto r = get(store->set_paused("m2", true));
    ASSERT_TRUE(r);
    EXPECT_TRUE(*r);
    r = get(store->set_paused("m3", true));
    ASSERT_TRUE(r && *r);
    r = get(store->set_paused("unknown", true));
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
    r = get(store->set_paused("m3", false));
    ASSERT_TRUE(r && *r);
  }
  auto store = open_ok(db);
  ASSERT_TRUE(store);
  auto paused = store->paused_meters();
  ASSERT_TRUE(paused);
  EXPECT_EQ(*paused, std::vector<std::string>{"m2"});
  // A config sync (even with changed settings) keeps the operator's pause.
  ASSERT_TRUE(get(store->sync_meters({inv("m1"), inv("m2", 4100)})));
  paused = store->paused_meters();
  ASSERT_TRUE(paused);
  EXPECT_EQ(*paused, std::vector<std::string>{"m2"});
}

TEST(StoreMeters, StatusUpdatesTrackSuccessAndKeepTheLastError) {
  testing_support::TempDir dir;
  auto store = open_ok(dir / "b.db");
  ASSERT_TRUE(store);
  ASSERT_TRUE(get(store->sync_meters({inv("m1")})));
  EXPECT_TRUE(store->update_status({"m1", "polling", "", 1000, true}));
  EXPECT_TRUE(store->update_status({"m1", "failing", "timeout after 7s", 2000, false}));
  EXPECT_TRUE(store->update_status({"m1", "ok", "", 3000, false}));
  EXPECT_TRUE(store->update_status({"ghost", "ok", "", 3000, true}));  // not in inventory: ignored
  ASSERT_TRUE(get(store->flush()));
  auto m = store->meter("m1");
  ASSERT_TRUE(m && *m);
  EXPECT_EQ((*m)->status, "ok");
  EXPECT_EQ((*m)->last_seen_ms, 3000);
  EXPECT_EQ((*m)->last_success_ms, 1000);
  EXPECT_EQ((*m)->last_error, "timeout after 7s");
  EXPECT_FALSE(store->meter("ghost")->has_value());
  EXPECT_EQ(store->stats().write_errors, 0u);
}

TEST(StoreEvents, RoundTripWithDetailsJsonAndFilters) {
  testing_support::TempDir dir;
  auto store = open_ok(dir / "b.db");
  ASSERT_TRUE(store);
  const std::string details = R"({"reason":"fcs","counts":{"hdlc_errors":5},"action":"check cabling"})";
  store->on_event(ev("m1", Severity::info, "startup", "started", 1000));
  store->submit_event(ev("m1", Severity::warning, "hdlc", "FCS mismatch", 2000, details), 4);
  store->submit_event(ev("m2", Severity::error, "connection", "refused", 3000));
  store->submit_event(ev("", Severity::critical, "mqtt", "broker down", 4000, "not json"));
  store->submit_event(ev("m1", Severity::error, "connection", "timeout", 5000));
  ASSERT_TRUE(get(store->flush()));

  auto all = store->events();
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ((*all)[0].event.message, "timeout");  // newest first
  const StoredEvent& hdlc = (*all)[3];
  EXPECT_EQ(hdlc.event.ts_ms, 2000);
  EXPECT_EQ(hdlc.event.meter, "m1");
  EXPECT_EQ(hdlc.event.severity, Severity::warning);
  EXPECT_EQ(hdlc.event.category, "hdlc");
  EXPECT_EQ(hdlc.repeat_count, 4);
  EXPECT_FALSE(hdlc.acknowledged);
  EXPECT_EQ(nlohmann::json::parse(hdlc.event.details), nlohmann::json::parse(details));
  // Non-JSON details are wrapped so consumers can always parse the column.
  EXPECT_EQ(nlohmann::json::parse((*all)[1].event.details), (nlohmann::json{{"text", "not json"}}));
  EXPECT_EQ((*all)[4].event.details, "");

  EventFilter f;
  f.min_severity = Severity::error;
  auto errors = store->events(f);
  ASSERT_TRUE(errors);
  ASSERT_EQ(errors->size(), 3u);
  for (const auto& e : *errors) EXPECT_GE(static_cast<int>(e.event.severity), static_cast<int>(Severity::error));

  f = {};
  f.meter = "m1";
  f.since_ms = 2000;
  auto m1 = store->events(f);
  ASSERT_TRUE(m1);
  ASSERT_EQ(m1->size(), 2u);
  EXPECT_EQ((*m1)[0].event.message, "timeout");
  EXPECT_EQ((*m1)[1].event.message, "FCS mismatch");

  f = {};
  f.meter = "";
  auto bridge_wide = store->events(f);
  ASSERT_TRUE(bridge_wide);
  ASSERT_EQ(bridge_wide->size(), 1u);
  EXPECT_EQ(bridge_wide->front().event.category, "mqtt");

  f = {};
  f.category = "connection";
  f.limit = 1;
  auto conn = store->events(f);
  ASSERT_TRUE(conn);
  ASSERT_EQ(conn->size(), 1u);
  EXPECT_EQ(conn->front().event.message, "timeout");
  f.before_id = conn->front().id;  // next page
  conn = store->events(f);
  ASSERT_TRUE(conn);
  ASSERT_EQ(conn->size(), 1u);
  EXPECT_EQ(conn->front().event.message, "refused");
}

TEST(StoreEvents, AcknowledgeAndDeleteOlderThan) {
  testing_support::TempDir dir;
  auto store = open_ok(dir / "b.db");
  ASSERT_TRUE(store);
  for (int i = 1; i <= 10; ++i) store->submit_event(ev("m1", Severity::info, "polling", "e", i * 100));
  ASSERT_TRUE(get(store->flush()));
  auto all = store->events();
  ASSERT_TRUE(all);
  const std::int64_t id = (*all)[2].id;
  auto ack = get(store->acknowledge(id));
  ASSERT_TRUE(ack);
  EXPECT_TRUE(*ack);
  ack = get(store->acknowledge(999'999));
  ASSERT_TRUE(ack);
  EXPECT_FALSE(*ack);
  EventFilter f;
  f.acknowledged = true;
  auto acked = store->events(f);
  ASSERT_TRUE(acked);
  ASSERT_EQ(acked->size(), 1u);
  EXPECT_EQ(acked->front().id, id);
  EXPECT_TRUE(acked->front().acknowledged);

  auto deleted = get(store->delete_older_than(501));
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 5);
  all = store->events();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ(all->back().event.ts_ms, 600);
}

TEST(StoreDiagnostics, KeepsTheNewestRowsPerMeter) {
  testing_support::TempDir dir;
  StoreOptions o = test::fast_options();
  o.diagnostics_per_meter = 3;
  auto store = open_ok(dir / "b.db", o);
  ASSERT_TRUE(store);
  const std::uint8_t frame[] = {0x7e, 0xa0, 0x07, 0x03, 0x21, 0x93, 0x0f, 0x01, 0x7e};
  for (int i = 0; i < 5; ++i) {
    Diagnostic d{1000 + i, "m1", "fcs", FrameDirection::rx, bridge::to_hex(frame), "frame " + std::to_string(i)};
    EXPECT_TRUE(store->add_diagnostic(d));
  }
  EXPECT_TRUE(store->add_diagnostic({2000, "m2", "length", FrameDirection::tx, "00", "other"}));
  ASSERT_TRUE(get(store->flush()));
  auto d = store->diagnostics("m1", 10);
  ASSERT_TRUE(d) << d.error().message;
  ASSERT_EQ(d->size(), 3u);
  EXPECT_EQ((*d)[0].diagnostic.message, "frame 4");
  EXPECT_EQ((*d)[2].diagnostic.message, "frame 2");
  EXPECT_EQ((*d)[0].diagnostic.frame_hex, "7E A0 07 03 21 93 0F 01 7E");
  EXPECT_EQ((*d)[0].diagnostic.direction, FrameDirection::rx);
  EXPECT_EQ((*d)[0].diagnostic.kind, "fcs");
  auto d2 = store->diagnostics("m2", 10);
  ASSERT_TRUE(d2);
  ASSERT_EQ(d2->size(), 1u);
  EXPECT_EQ(d2->front().diagnostic.direction, FrameDirection::tx);
  auto limited = store->diagnostics("m1", 1);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->size(), 1u);
}

TEST(StoreConcurrency, ReaderSeesCommittedRowsWhileAnotherConnectionHoldsTheWriteLock) {
  testing_support::TempDir dir;
  const fs::path db = dir / "b.db";
  auto store = open_ok(db);
  ASSERT_TRUE(store);
  for (int i = 0; i < 100; ++i) store->submit_event(ev("m1", Severity::info, "polling", "e", i));
  ASSERT_TRUE(get(store->flush()));

  RawDb writer(db);
  ASSERT_EQ(writer.exec("BEGIN IMMEDIATE; INSERT INTO events (ts_ms, meter, severity, category, message) "
                        "VALUES (1, 'm1', 'info', 'polling', 'uncommitted')"),
            SQLITE_OK);
  EventFilter f;
  f.limit = 1000;
  auto during = store->events(f);  // must neither block nor fail, and sees only committed rows
  ASSERT_TRUE(during) << during.error().message;
  EXPECT_EQ(during->size(), 100u);
  ASSERT_EQ(writer.exec("COMMIT"), SQLITE_OK);
  auto after = store->events(f);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->size(), 101u);
}

TEST(StoreConcurrency, ReaderProgressesWhileTheWriterThreadInserts) {
  testing_support::TempDir dir;
  auto store = open_ok(dir / "b.db");
  ASSERT_TRUE(store);
  constexpr int kTotal = 20'000;
  std::thread producer([&] {
    for (int i = 0; i < kTotal; ++i) {
      while (!store->submit_event(ev("m1", Severity::info, "polling", "e", i))) std::this_thread::yield();
    }
  });
  // Read the newest committed id in a tight loop until every row is visible. The writer commits
  // in batches, so the reader must observe intermediate states: it is not blocked by the writer.
  std::int64_t last = -1;
  int intermediate_states = 0;
  std::string failure;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (last < kTotal && std::chrono::steady_clock::now() < deadline) {
    EventFilter f;
    f.limit = 1;
    auto newest = store->events(f);
    if (!newest) {
      failure = newest.error().message;
      break;
    }
    const std::int64_t id = newest->empty() ? 0 : newest->front().id;
    if (id < last) failure = "committed rows disappeared: " + std::to_string(id) + " < " + std::to_string(last);
    if (id != last && id > 0 && id < kTotal) ++intermediate_states;
    last = id;
  }
  producer.join();
  EXPECT_EQ(failure, "");
  EXPECT_EQ(last, kTotal);
  EXPECT_GE(intermediate_states, 1);
  ASSERT_TRUE(get(store->flush()));
  RawDb raw(dir / "b.db");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM events"), kTotal);
}

TEST(StoreQueue, SubmitNeverBlocksAndCountsDropsWhenTheQueueIsFull) {
  testing_support::TempDir dir;
  const fs::path db = dir / "b.db";
  StoreOptions o = test::fast_options();
  o.queue_capacity = 4;
  o.writer_batch_max = 1;
  o.busy_timeout = std::chrono::milliseconds(20'000);
  auto store = open_ok(db, o);
  ASSERT_TRUE(store);
  RawDb blocker(db);
  ASSERT_EQ(blocker.exec("BEGIN IMMEDIATE"), SQLITE_OK);  // the writer thread stalls on the lock
  int accepted = 0;
  for (int i = 0; i < 50; ++i) accepted += store->submit_event(ev("m1", Severity::info, "polling", "e", i)) ? 1 : 0;
  // At most capacity queued + one batch in flight; the rest were refused without blocking.
  EXPECT_LE(accepted, 5);
  EXPECT_GE(accepted, 4);
  EXPECT_EQ(store->stats().dropped_queue_full, static_cast<std::uint64_t>(50 - accepted));
  ASSERT_EQ(blocker.exec("COMMIT"), SQLITE_OK);
  ASSERT_TRUE(get(store->flush()));
  EXPECT_EQ(blocker.scalar("SELECT count(*) FROM events"), accepted);
}

TEST(StoreQueue, DestructorDrainsAcceptedJobs) {
  testing_support::TempDir dir;
  const fs::path db = dir / "b.db";
  {
    auto store = open_ok(db);
    ASSERT_TRUE(store);
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(store->submit_event(ev("m1", Severity::info, "polling", "e", i)));
  }
  RawDb raw(db);
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM events"), 1000);
}

}  // namespace
}  // namespace bridge::store

namespace bridge::store {
namespace {

TEST(StoreEvents, ThrottledSinkStoresOneEventPerWindowWithTheRepeatCount) {
  testing_support::TempDir dir;
  auto store = test::open_ok(dir / "b.db");
  ASSERT_TRUE(store);
  std::int64_t now = 0;
  ThrottledEventSink sink([&](const Event& e, std::int64_t repeats) { store->submit_event(e, repeats); },
                          [&] { return now; }, std::chrono::minutes(5));
  for (int i = 0; i < 10; ++i) {
    now = i * 10'000;  // 10 events within 100 s
    sink.on_event(Event{now, "m1", Severity::warning, "hdlc", "FCS mismatch", ""});
  }
  now = 6 * 60'000;
  sink.on_event(Event{now, "m1", Severity::warning, "hdlc", "FCS mismatch", ""});
  ASSERT_TRUE(test::get(store->flush()));
  auto events = store->events();
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].repeat_count, 9);
  EXPECT_EQ((*events)[0].event.ts_ms, 6 * 60'000);
  EXPECT_EQ((*events)[1].repeat_count, 0);
}

TEST(StoreDurability, FullSynchronousModeWorksEndToEnd) {
  testing_support::TempDir dir;
  StoreOptions o = test::fast_options();
  o.durability = Durability::full;
  const fs::path db = dir / "b.db";
  {
    auto store = test::open_ok(db, o);
    ASSERT_TRUE(store);
    std::vector<OutboxMessage> msgs{{"m1", "t", "p", 1, 0}, {"m2", "t", "q", 2, 0}};
    auto ids = store->outbox_insert_batch(msgs);
    ASSERT_TRUE(ids);
    store->submit_event(Event{1, "m1", Severity::info, "startup", "x", ""});
    ASSERT_TRUE(test::get(store->flush()));
  }
  auto store = test::open_ok(db);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->outbox_count(), 2);
  EXPECT_EQ(store->events()->size(), 1u);
}

}  // namespace
}  // namespace bridge::store
