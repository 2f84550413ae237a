// The load-profile half of Store: rows and their progress mark in one outbox transaction.
#include "bridge/store/store.h"
#include "store_impl.h"

namespace bridge::store {
namespace {

StoreResult<std::optional<std::int64_t>> read_mark(sql::Connection& conn, std::string_view meter,
                                                   std::string_view profile) {
  auto stmt = conn.cached("SELECT last_row_ms FROM profile_progress WHERE meter = ?1 AND profile = ?2");
  if (!stmt) return fail(stmt.error());
  sql::Query q(conn, *stmt);
  q.bind(1, meter).bind(2, profile);
  auto row = q.step("reading a profile progress mark");
  if (!row) return fail(row.error());
  if (!*row) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(q.int64(0));
}

}  // namespace

StoreResult<ProfileInsertResult> Store::outbox_insert_profile_rows(std::string_view meter, std::string_view profile,
                                                                   std::span<const OutboxMessage> rows) {
  ProfileInsertResult result;
  if (rows.empty()) return result;
  std::lock_guard lock(impl_->outbox_mutex);
  auto& conn = *impl_->outbox;
  auto tx = sql::Transaction::begin(conn);
  if (!tx) return fail(tx.error());
  // Read inside the write lock: the mark cannot move between this read and the commit.
  auto mark = read_mark(conn, meter, profile);
  if (!mark) return fail(mark.error());
  const bool had_mark = mark->has_value();
  std::int64_t last = had_mark ? **mark : 0;
  auto insert = conn.cached(
      "INSERT INTO outbox (meter, topic, payload, ts_ms, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert) return fail(insert.error());
  const std::int64_t now = impl_->clock();
  {
    sql::Query q(conn, *insert);
    for (const OutboxMessage& m : rows) {
      if ((had_mark || !result.ids.empty()) && m.ts_ms <= last) {
        ++result.skipped;
        continue;
      }
      q.reset();
      q.bind(1, m.meter).bind(2, m.topic).bind_blob(3, m.payload).bind(4, m.ts_ms);
      q.bind(5, m.created_ms != 0 ? m.created_ms : now);
      if (auto r = q.run("inserting a profile row into the outbox"); !r) return fail(r.error());
      result.ids.push_back(conn.last_insert_rowid());
      last = m.ts_ms;
    }
  }
  if (!result.ids.empty()) {
    auto upsert = conn.cached(
        "INSERT INTO profile_progress (meter, profile, last_row_ms, updated_ms) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (meter, profile) DO UPDATE SET last_row_ms = excluded.last_row_ms, "
        "updated_ms = excluded.updated_ms");
    if (!upsert) return fail(upsert.error());
    sql::Query q(conn, *upsert);
    q.bind(1, meter).bind(2, profile).bind(3, last).bind(4, now);
    if (auto r = q.run("advancing a profile progress mark"); !r) return fail(r.error());
  }
  if (auto r = tx->commit(); !r) return fail(r.error());
  impl_->outbox_rows.fetch_add(static_cast<std::int64_t>(result.ids.size()));
  result.last_row_ms = (had_mark || !result.ids.empty()) ? last : 0;
  return result;
}

StoreResult<std::optional<std::int64_t>> Store::profile_mark(std::string_view meter, std::string_view profile) const {
  std::lock_guard lock(impl_->reader_mutex);
  return read_mark(*impl_->reader, meter, profile);
}

StoreResult<std::vector<ProfileMark>> Store::profile_marks() const {
  std::lock_guard lock(impl_->reader_mutex);
  auto& conn = *impl_->reader;
  auto stmt = conn.cached(
      "SELECT meter, profile, last_row_ms, updated_ms FROM profile_progress ORDER BY meter, profile");
  if (!stmt) return fail(stmt.error());
  sql::Query q(conn, *stmt);
  std::vector<ProfileMark> out;
  for (;;) {
    auto row = q.step("reading the profile progress marks");
    if (!row) return fail(row.error());
    if (!*row) return out;
    out.push_back(ProfileMark{q.text(0), q.text(1), q.int64(2), q.int64(3)});
  }
}

}  // namespace bridge::store
