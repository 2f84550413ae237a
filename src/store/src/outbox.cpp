// The outbox half of Store: runs on the caller's thread on the dedicated outbox connection.
#include <algorithm>

#include "bridge/store/store.h"
#include "store_impl.h"

namespace bridge::store {
namespace {
constexpr std::int64_t kHeadScanChunk = 1000;
}  // namespace

StoreResult<std::vector<std::int64_t>> Store::outbox_insert_batch(std::span<const OutboxMessage> messages) {
  std::vector<std::int64_t> ids;
  if (messages.empty()) return ids;
  ids.reserve(messages.size());
  std::lock_guard lock(impl_->outbox_mutex);
  auto& conn = *impl_->outbox;
  auto stmt = conn.cached(
      "INSERT INTO outbox (meter, topic, payload, ts_ms, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!stmt) return fail(stmt.error());
  auto tx = sql::Transaction::begin(conn);
  if (!tx) return fail(tx.error());
  const std::int64_t now = impl_->clock();
  sql::Query q(conn, *stmt);
  for (const OutboxMessage& m : messages) {
    q.reset();
    q.bind(1, m.meter).bind(2, m.topic).bind_blob(3, m.payload).bind(4, m.ts_ms);
    q.bind(5, m.created_ms != 0 ? m.created_ms : now);
    if (auto r = q.run("inserting into the outbox"); !r) return fail(r.error());
    ids.push_back(conn.last_insert_rowid());
  }
  if (auto r = tx->commit(); !r) return fail(r.error());
  impl_->outbox_rows.fetch_add(static_cast<std::int64_t>(ids.size()));
  return ids;
}

StoreResult<std::int64_t> Store::outbox_delete(std::span<const std::int64_t> ids) {
  if (ids.empty()) return std::int64_t{0};
  std::lock_guard lock(impl_->outbox_mutex);
  auto& conn = *impl_->outbox;
  auto stmt = conn.cached("DELETE FROM outbox WHERE id = ?1");
  if (!stmt) return fail(stmt.error());
  auto tx = sql::Transaction::begin(conn);
  if (!tx) return fail(tx.error());
  std::int64_t deleted = 0;
  sql::Query q(conn, *stmt);
  for (std::int64_t id : ids) {
    q.reset();
    q.bind(1, id);
    if (auto r = q.run("deleting from the outbox"); !r) return fail(r.error());
    deleted += conn.changes();
  }
  if (auto r = tx->commit(); !r) return fail(r.error());
  impl_->outbox_rows.fetch_sub(deleted);
  return deleted;
}

StoreResult<std::vector<OutboxRow>> Store::outbox_pending(std::int64_t after_id, std::size_t limit) const {
  std::vector<OutboxRow> rows;
  if (limit == 0) return rows;
  std::lock_guard lock(impl_->outbox_mutex);
  auto& conn = *impl_->outbox;
  auto stmt = conn.cached(
      "SELECT id, meter, topic, payload, ts_ms, created_ms, attempts FROM outbox WHERE id > ?1 ORDER BY id LIMIT ?2");
  if (!stmt) return fail(stmt.error());
  sql::Query q(conn, *stmt);
  q.bind(1, after_id).bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, 1'000'000)));
  for (;;) {
    auto row = q.step("reading the outbox");
    if (!row) return fail(row.error());
    if (!*row) return rows;
    OutboxRow r;
    r.id = q.int64(0);
    r.meter = q.text(1);
    r.topic = q.text(2);
    r.payload = q.blob(3);
    r.ts_ms = q.int64(4);
    r.created_ms = q.int64(5);
    r.attempts = q.int64(6);
    rows.push_back(std::move(r));
  }
}

Status Store::outbox_record_attempts(std::span<const std::int64_t> ids) {
  if (ids.empty()) return {};
  std::lock_guard lock(impl_->outbox_mutex);
  auto& conn = *impl_->outbox;
  auto stmt = conn.cached("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?1");
  if (!stmt) return fail(stmt.error());
  auto tx = sql::Transaction::begin(conn);
  if (!tx) return fail(tx.error());
  sql::Query q(conn, *stmt);
  for (std::int64_t id : ids) {
    q.reset();
    q.bind(1, id);
    if (auto r = q.run("counting outbox attempts"); !r) return r;
  }
  return tx->commit();
}

std::int64_t Store::outbox_count() const { return impl_->outbox_rows.load(); }

StoreResult<std::optional<std::int64_t>> Store::outbox_oldest_ts() const {
  std::lock_guard lock(impl_->outbox_mutex);
  auto& conn = *impl_->outbox;
  auto stmt = conn.cached("SELECT ts_ms FROM outbox ORDER BY id LIMIT 1");
  if (!stmt) return fail(stmt.error());
  sql::Query q(conn, *stmt);
  auto row = q.step("reading the oldest outbox row");
  if (!row) return fail(row.error());
  if (!*row) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(q.int64(0));
}

StoreResult<DropCounts> Store::outbox_enforce_caps(std::int64_t max_messages, std::chrono::milliseconds max_age,
                                                   std::int64_t now_ms) {
  DropCounts dropped;
  std::lock_guard lock(impl_->outbox_mutex);
  auto& conn = *impl_->outbox;
  auto tx = sql::Transaction::begin(conn);
  if (!tx) return fail(tx.error());

  if (max_age.count() > 0) {
    // FIFO head scan: expired rows are a prefix by id, so the cost is O(expired rows), no index.
    const std::int64_t cutoff = now_ms - max_age.count();
    auto scan = conn.cached("SELECT id, created_ms FROM outbox WHERE id > ?1 ORDER BY id LIMIT ?2");
    if (!scan) return fail(scan.error());
    std::int64_t last_expired = 0;
    bool done = false;
    while (!done) {
      sql::Query q(conn, *scan);
      q.bind(1, last_expired).bind(2, kHeadScanChunk);
      std::int64_t seen = 0;
      for (;;) {
        auto row = q.step("scanning the outbox head");
        if (!row) return fail(row.error());
        if (!*row) break;
        ++seen;
        if (q.int64(1) >= cutoff) {
          done = true;
          break;
        }
        last_expired = q.int64(0);
      }
      if (seen < kHeadScanChunk) done = true;
    }
    if (last_expired > 0) {
      auto del = conn.cached("DELETE FROM outbox WHERE id <= ?1");
      if (!del) return fail(del.error());
      sql::Query q(conn, *del);
      q.bind(1, last_expired);
      if (auto r = q.run("dropping expired outbox rows"); !r) return fail(r.error());
      dropped.max_age = conn.changes();
    }
  }

  if (max_messages > 0) {
    const std::int64_t excess = impl_->outbox_rows.load() - dropped.max_age - max_messages;
    if (excess > 0) {
      auto del = conn.cached("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT ?1)");
      if (!del) return fail(del.error());
      sql::Query q(conn, *del);
      q.bind(1, excess);
      if (auto r = q.run("dropping the oldest outbox rows"); !r) return fail(r.error());
      dropped.max_messages = conn.changes();
    }
  }

  if (auto r = tx->commit(); !r) return fail(r.error());
  impl_->outbox_rows.fetch_sub(dropped.max_age + dropped.max_messages);
  return dropped;
}

}  // namespace bridge::store
