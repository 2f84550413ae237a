// Store: the config history (config_versions table, schema version 2). Writes go through the
// writer thread like every other write; reads use the reader connection.
#include <algorithm>
#include <future>
#include <memory>
#include <optional>

#include "bridge/store/store.h"
#include "store_impl.h"

namespace bridge::store {
namespace {

// Enough for years of daily reloads; older rows are deleted with each insert.
constexpr std::int64_t kVersionsKept = 1000;

}  // namespace

std::future<StoreResult<std::int64_t>> Store::record_config_version(ConfigVersion version) {
  auto promise = std::make_shared<std::promise<StoreResult<std::int64_t>>>();
  auto id = std::make_shared<std::int64_t>(0);
  auto future = promise->get_future();
  WriterJob job;
  job.name = "record_config_version";
  job.work = [v = std::move(version), id](sql::Connection& conn) -> Status {
    auto insert = conn.cached(
        "INSERT INTO config_versions (ts_ms, sha256, trigger, actor, source, meters, config) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!insert) return fail(insert.error());
    {
      sql::Query q(conn, *insert);
      q.bind(1, v.ts_ms).bind(2, v.sha256).bind(3, v.trigger).bind(4, v.actor).bind(5, v.source).bind(6, v.meters)
          .bind(7, v.config);
      if (auto r = q.run("recording a config version"); !r) return fail(r.error());
    }
    *id = conn.last_insert_rowid();
    auto trim = conn.cached("DELETE FROM config_versions WHERE id <= ?1");
    if (!trim) return fail(trim.error());
    sql::Query q(conn, *trim);
    q.bind(1, *id - kVersionsKept);
    return q.run("trimming the config history");
  };
  job.done = [promise, id](const Status& final) {
    if (!final) {
      promise->set_value(fail(final.error()));
    } else {
      promise->set_value(*id);
    }
  };
  if (!impl_->writer->push_wait(std::move(job))) {
    promise->set_value(fail(StoreError{StoreErrorKind::closed, "store is closing: record_config_version", 0}));
  }
  return future;
}

StoreResult<std::vector<ConfigVersion>> Store::config_versions(std::size_t limit, std::optional<std::int64_t> id) const {
  std::lock_guard lock(impl_->reader_mutex);
  auto& conn = *impl_->reader;
  // changed: compared with the row before it, even when that row is beyond the limit.
  auto stmt = conn.cached(
      "SELECT id, ts_ms, sha256, trigger, actor, source, meters, config, changed FROM ("
      "  SELECT *, sha256 IS NOT coalesce(lag(sha256) OVER (ORDER BY id), '') AS changed FROM config_versions"
      ") WHERE ?1 IS NULL OR id = ?1 ORDER BY id DESC LIMIT ?2");
  if (!stmt) return fail(stmt.error());
  sql::Query q(conn, *stmt);
  if (id) q.bind(1, *id);
  q.bind(2, static_cast<std::int64_t>(std::clamp<std::size_t>(limit, 1, 10000)));
  std::vector<ConfigVersion> out;
  for (;;) {
    auto row = q.step("querying the config history");
    if (!row) return fail(row.error());
    if (!*row) return out;
    ConfigVersion v;
    v.id = q.int64(0);
    v.ts_ms = q.int64(1);
    v.sha256 = q.text(2);
    v.trigger = q.text(3);
    v.actor = q.text(4);
    v.source = q.text(5);
    v.meters = q.int64(6);
    v.config = q.text(7);
    v.changed = q.int64(8) != 0;
    out.push_back(std::move(v));
  }
}

}  // namespace bridge::store
