// HLS-GMAC invocation counters: an IC must never be used twice under one key, across restarts
// too, so the bridge keeps ahead of the counters it hands out (docs/protocol.md 1.22).
#include "bridge/store/store.h"
#include "store_impl.h"

namespace bridge::store {

bool Store::save_invocation_counter(std::string meter, std::string system_title, std::uint32_t next) {
  WriterJob job;
  job.name = "invocation_counter";
  job.work = [meter = std::move(meter), title = std::move(system_title), next,
              now = impl_->clock()](sql::Connection& conn) -> Status {
    auto stmt = conn.cached(
        "INSERT INTO invocation_counters (meter, system_title, next_value, updated_ms) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (meter, system_title) DO UPDATE SET next_value = MAX(next_value, excluded.next_value), "
        "updated_ms = excluded.updated_ms");
    if (!stmt) return fail(stmt.error());
    sql::Query q(conn, *stmt);
    q.bind(1, meter).bind(2, title).bind(3, static_cast<std::int64_t>(next)).bind(4, now);
    return q.run("saving an invocation counter");
  };
  return impl_->writer->try_push(std::move(job));
}

StoreResult<std::optional<std::uint32_t>> Store::invocation_counter(std::string_view meter,
                                                                    std::string_view system_title) const {
  std::lock_guard lock(impl_->reader_mutex);
  auto& conn = *impl_->reader;
  auto stmt = conn.cached("SELECT next_value FROM invocation_counters WHERE meter = ?1 AND system_title = ?2");
  if (!stmt) return fail(stmt.error());
  sql::Query q(conn, *stmt);
  q.bind(1, meter).bind(2, system_title);
  auto row = q.step("reading an invocation counter");
  if (!row) return fail(row.error());
  if (!*row) return std::optional<std::uint32_t>{};
  return std::optional<std::uint32_t>{static_cast<std::uint32_t>(q.int64(0))};
}

}  // namespace bridge::store
