// Store: opening the file (directory, 0600 mode, instance lock, migrations) and the public
// face of every write and query. Over 400 lines because each public method is a few lines of
// job wrapping around the writer thread; the tables with logic of their own live beside it
// (outbox, events, config versions, profile progress, invocation counters, backup).
#include "bridge/store/store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <system_error>
#include <utility>

#include "bridge/log.h"
#include "migrations.h"
#include "store_impl.h"
#include "bridge/wall_clock.h"

namespace bridge::store {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxQueryLimit = 10'000;


StoreErrorKind kind_of_errno(int err) {
  switch (err) {
    case EACCES:
    case EPERM:
    case EROFS: return StoreErrorKind::read_only;
    case ENOSPC:
    case EDQUOT: return StoreErrorKind::disk_full;
    default: return StoreErrorKind::io;
  }
}

StoreError os_error(std::string what, const fs::path& path, int err) {
  return StoreError{kind_of_errno(err), what + ": " + path.string() + ": " + std::strerror(err), 0};
}

StoreError with_context(StoreError e, std::string_view context) {
  e.message = std::string(context) + ": " + e.message;
  return e;
}

// Parent directory (created if missing) and the file itself (created 0600 if missing).
Status prepare_file(const fs::path& path) {
  if (path.empty() || path.filename().empty()) {
    return fail(StoreError{StoreErrorKind::invalid_argument, "store path is empty or names a directory: '" +
                                                                 path.string() + "'", 0});
  }
  const fs::path parent = path.parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) {
      return fail(os_error("cannot create the database directory " + parent.string() + " for", path, ec.value()));
    }
    if (!fs::is_directory(parent, ec)) {
      return fail(os_error("the database directory " + parent.string() + " is not a directory, for", path, ENOTDIR));
    }
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) {
      return fail(StoreError{StoreErrorKind::io, "database path is not a regular file: " + path.string(), 0});
    }
    if ((st.st_mode & 077) != 0) {
      log::warn("store file is readable by other users", {{"path", path.string()}, {"mode", st.st_mode & 0777}});
    }
    return {};
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return {};  // created concurrently: fine
    return fail(os_error("cannot create the database file", path, errno));
  }
  ::fchmod(fd, 0600);  // exact mode regardless of umask (SQLite gives -wal/-shm the same mode)
  ::close(fd);
  return {};
}

StoreResult<int> take_instance_lock(const fs::path& db_path) {
  fs::path lock_path = db_path;
  lock_path += ".lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail(os_error("cannot create the store lock file", lock_path, errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return fail(StoreError{StoreErrorKind::locked,
                             "database is in use by another dlms-bridge instance: " + db_path.string() +
                                 " (lock file " + lock_path.string() + " is held)",
                             0});
    }
    return fail(os_error("cannot lock the store lock file", lock_path, err));
  }
  return fd;
}

StoreResult<std::unique_ptr<sql::Connection>> open_connection(const fs::path& path, const StoreOptions& options,
                                                              std::string_view role, bool writes) {
  auto conn = sql::Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, role);
  if (!conn) return conn;
  sqlite3_busy_timeout((*conn)->handle(), static_cast<int>(options.busy_timeout.count()));
  // WAL is persistent in the file, but every connection confirms it (and the first one sets it).
  auto mode = (*conn)->query_text("PRAGMA journal_mode=WAL");
  if (!mode) return fail(mode.error());
  if (*mode != "wal") {
    return fail(StoreError{StoreErrorKind::io,
                           "cannot enable WAL mode: " + path.string() + ": journal_mode is '" + *mode + "'", 0});
  }
  // Forces a read of the schema: a damaged first page surfaces here, not at the first query.
  if (auto r = (*conn)->query_int("SELECT count(*) FROM sqlite_schema"); !r) return fail(r.error());
  if (writes) {
    const char* sync = options.durability == Durability::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
    if (auto r = (*conn)->exec(sync); !r) return fail(r.error());
    if (auto r = (*conn)->exec("PRAGMA foreign_keys=ON; PRAGMA journal_size_limit=67108864"); !r) return fail(r.error());
  } else {
    if (auto r = (*conn)->exec("PRAGMA query_only=ON"); !r) return fail(r.error());
  }
  return conn;
}

bridge::Severity severity_from_label(std::string_view s) {
  if (s == "warning") return bridge::Severity::warning;
  if (s == "error") return bridge::Severity::error;
  if (s == "critical") return bridge::Severity::critical;
  return bridge::Severity::info;
}

FrameDirection direction_from_label(std::string_view s) {
  if (s == "rx") return FrameDirection::rx;
  if (s == "tx") return FrameDirection::tx;
  return FrameDirection::none;
}

// details column: JSON object text or "". Anything else is wrapped so consumers can always parse.
std::string normalize_details(const std::string& details) {
  if (details.empty()) return details;
  auto j = nlohmann::json::parse(details, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded() && j.is_object()) return details;
  return nlohmann::json{{"text", details}}.dump();
}

constexpr const char* kMeterColumns =
    "id, host, port, transport, addressing, enabled, paused, removed, status, last_seen_ms, last_success_ms, "
    "last_error, updated_ms";

MeterRecord read_meter(const sql::Query& q) {
  MeterRecord m;
  m.id = q.text(0);
  m.host = q.text(1);
  m.port = static_cast<int>(q.int64(2));
  m.transport = q.text(3);
  m.addressing = q.text(4);
  m.enabled = q.int64(5) != 0;
  m.paused = q.int64(6) != 0;
  m.removed = q.int64(7) != 0;
  m.status = q.text(8);
  m.last_seen_ms = q.int64(9);
  m.last_success_ms = q.int64(10);
  m.last_error = q.text(11);
  m.updated_ms = q.int64(12);
  return m;
}

// Queues a job whose result the caller awaits; the future is set after COMMIT.
template <class T>
std::future<StoreResult<T>> call(Writer& writer, const char* name,
                                 std::function<StoreResult<T>(sql::Connection&)> fn) {
  auto promise = std::make_shared<std::promise<StoreResult<T>>>();
  auto value = std::make_shared<std::optional<StoreResult<T>>>();
  auto future = promise->get_future();
  WriterJob job;
  job.name = name;
  job.work = [fn = std::move(fn), value](sql::Connection& conn) -> Status {
    *value = fn(conn);
    if (!**value) return fail((*value)->error());
    return {};
  };
  job.done = [promise, value](const Status& final) {
    if (!final) {
      promise->set_value(fail(final.error()));
    } else {
      promise->set_value(std::move(**value));
    }
  };
  if (!writer.push_wait(std::move(job))) {
    promise->set_value(fail(StoreError{StoreErrorKind::closed, std::string("store is closing: ") + name, 0}));
  }
  return future;
}

}  // namespace

Store::Impl::~Impl() {
  writer.reset();
  outbox.reset();
  reader.reset();
  if (lock_fd >= 0) ::close(lock_fd);
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

StoreResult<std::unique_ptr<Store>> Store::open(const fs::path& path, StoreOptions options) {
  constexpr std::string_view kCtx = "cannot open the store";
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->clock = options.clock ? options.clock : std::function<std::int64_t()>(bridge::wall_ms);
  impl->options = std::move(options);
  const StoreOptions& opt = impl->options;

  if (auto r = prepare_file(path); !r) return fail(with_context(r.error(), kCtx));
  if (opt.exclusive_instance) {
    auto fd = take_instance_lock(path);
    if (!fd) return fail(with_context(fd.error(), kCtx));
    impl->lock_fd = *fd;
  }

  auto writer_conn = open_connection(path, opt, "writer", true);
  if (!writer_conn) return fail(with_context(writer_conn.error(), kCtx));
  if (opt.quick_check) {
    auto check = (*writer_conn)->query_text("PRAGMA quick_check");
    if (!check) return fail(with_context(check.error(), kCtx));
    if (*check != "ok") {
      return fail(StoreError{StoreErrorKind::corrupt,
                             std::string(kCtx) + ": quick_check failed: " + path.string() + ": " + *check, 0});
    }
  }
  auto version = migrate(**writer_conn);
  if (!version) return fail(with_context(version.error(), kCtx));
  impl->schema_version = *version;

  auto reader = open_connection(path, opt, "reader", false);
  if (!reader) return fail(with_context(reader.error(), kCtx));
  impl->reader = std::move(*reader);
  auto outbox = open_connection(path, opt, "outbox", true);
  if (!outbox) return fail(with_context(outbox.error(), kCtx));
  impl->outbox = std::move(*outbox);
  auto rows = impl->outbox->query_int("SELECT count(*) FROM outbox");
  if (!rows) return fail(with_context(rows.error(), kCtx));
  impl->outbox_rows.store(*rows);

  impl->writer = std::make_unique<Writer>(std::move(*writer_conn), opt.queue_capacity, opt.writer_batch_max);
  log::info("store opened", {{"path", path.string()},
                             {"schema_version", impl->schema_version},
                             {"durability", opt.durability == Durability::full ? "full" : "normal"},
                             {"outbox_messages", *rows}});
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

const fs::path& Store::path() const { return impl_->path; }
int Store::schema_version() const { return impl_->schema_version; }

// ---- asynchronous writes ----

void Store::on_event(const bridge::Event& event) { submit_event(event, 0); }

bool Store::submit_event(const bridge::Event& event, std::int64_t repeat_count) {
  WriterJob job;
  job.name = "event";
  job.work = [e = event, repeat_count](sql::Connection& conn) -> Status {
    auto stmt = conn.cached(
        "INSERT INTO events (ts_ms, meter, severity, category, message, details, repeat_count) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!stmt) return fail(stmt.error());
    const std::string details = normalize_details(e.details);
    sql::Query q(conn, *stmt);
    q.bind(1, e.ts_ms).bind(2, e.meter).bind(3, to_label(e.severity)).bind(4, e.category).bind(5, e.message);
    q.bind(6, details).bind(7, repeat_count);
    return q.run("inserting an event");
  };
  return impl_->writer->try_push(std::move(job));
}

bool Store::add_diagnostic(Diagnostic diagnostic) {
  WriterJob job;
  job.name = "diagnostic";
  job.work = [d = std::move(diagnostic), keep = static_cast<std::int64_t>(impl_->options.diagnostics_per_meter)](
                 sql::Connection& conn) -> Status {
    auto ins = conn.cached(
        "INSERT INTO diagnostics (ts_ms, meter, kind, direction, frame_hex, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!ins) return fail(ins.error());
    {
      sql::Query q(conn, *ins);
      q.bind(1, d.ts_ms).bind(2, d.meter).bind(3, d.kind).bind(4, to_label(d.direction)).bind(5, d.frame_hex);
      q.bind(6, d.message);
      if (auto r = q.run("inserting a diagnostic"); !r) return r;
    }
    auto trim = conn.cached(
        "DELETE FROM diagnostics WHERE meter = ?1 AND id <= "
        "(SELECT id FROM diagnostics WHERE meter = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)");
    if (!trim) return fail(trim.error());
    sql::Query q(conn, *trim);
    q.bind(1, d.meter).bind(2, keep);
    return q.run("trimming diagnostics");
  };
  return impl_->writer->try_push(std::move(job));
}

bool Store::update_status(MeterStatusUpdate update) {
  WriterJob job;
  job.name = "meter_status";
  job.work = [u = std::move(update)](sql::Connection& conn) -> Status {
    auto stmt = conn.cached(
        "UPDATE meters SET status = ?1, last_seen_ms = ?2, "
        "last_success_ms = CASE WHEN ?3 THEN ?2 ELSE last_success_ms END, "
        "last_error = CASE WHEN ?4 <> '' THEN ?4 ELSE last_error END, updated_ms = ?2 WHERE id = ?5");
    if (!stmt) return fail(stmt.error());
    sql::Query q(conn, *stmt);
    q.bind(1, u.status).bind(2, u.ts_ms).bind(3, std::int64_t{u.success ? 1 : 0}).bind(4, u.last_error).bind(5, u.meter);
    return q.run("updating meter status");
  };
  return impl_->writer->try_push(std::move(job));
}

// ---- synchronous writes ----

std::future<Status> Store::flush() {
  return call<void>(*impl_->writer, "flush", [](sql::Connection&) -> Status { return {}; });
}

std::future<StoreResult<SyncCounts>> Store::sync_meters(std::vector<MeterInventory> meters) {
  return call<SyncCounts>(
      *impl_->writer, "sync_meters",
      [list = std::move(meters), clock = impl_->clock](sql::Connection& conn) -> StoreResult<SyncCounts> {
        const std::int64_t now = clock();
        struct Existing {
          MeterInventory config;
          bool removed = false;
        };
        std::map<std::string, Existing, std::less<>> existing;
        {
          auto stmt = conn.cached("SELECT id, host, port, transport, addressing, enabled, removed FROM meters");
          if (!stmt) return fail(stmt.error());
          sql::Query q(conn, *stmt);
          for (;;) {
            auto row = q.step("reading meters");
            if (!row) return fail(row.error());
            if (!*row) break;
            Existing e;
            e.config = MeterInventory{q.text(0), q.text(1), static_cast<int>(q.int64(2)), q.text(3), q.text(4),
                                      q.int64(5) != 0};
            e.removed = q.int64(6) != 0;
            existing.emplace(e.config.id, std::move(e));
          }
        }
        std::map<std::string, const MeterInventory*, std::less<>> wanted;  // last entry wins per id
        for (const auto& m : list) wanted[m.id] = &m;

        SyncCounts counts;
        auto ins = conn.cached(
            "INSERT INTO meters (id, host, port, transport, addressing, enabled, updated_ms) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        if (!ins) return fail(ins.error());
        auto upd = conn.cached(
            "UPDATE meters SET host = ?2, port = ?3, transport = ?4, addressing = ?5, enabled = ?6, "
            "status = CASE WHEN removed THEN 'unknown' ELSE status END, removed = 0, updated_ms = ?7 WHERE id = ?1");
        if (!upd) return fail(upd.error());
        for (const auto& [id, m] : wanted) {
          auto it = existing.find(id);
          const bool is_new = it == existing.end();
          if (!is_new) {
            const MeterInventory& c = it->second.config;
            const bool same = c.host == m->host && c.port == m->port && c.transport == m->transport &&
                              c.addressing == m->addressing && c.enabled == m->enabled;
            if (same && !it->second.removed) continue;
          }
          sql::Query q(conn, is_new ? *ins : *upd);
          q.bind(1, m->id).bind(2, m->host).bind(3, std::int64_t{m->port}).bind(4, m->transport);
          q.bind(5, m->addressing).bind(6, std::int64_t{m->enabled ? 1 : 0}).bind(7, now);
          if (auto r = q.run("upserting a meter"); !r) return fail(r.error());
          ++(is_new ? counts.added : counts.updated);
        }
        auto rem = conn.cached("UPDATE meters SET removed = 1, status = 'removed', updated_ms = ?2 WHERE id = ?1");
        if (!rem) return fail(rem.error());
        for (const auto& [id, e] : existing) {
          if (e.removed || wanted.contains(id)) continue;
          sql::Query q(conn, *rem);
          q.bind(1, id).bind(2, now);
          if (auto r = q.run("marking a meter removed"); !r) return fail(r.error());
          ++counts.removed;
        }
        return counts;
      });
}

std::future<StoreResult<bool>> Store::set_paused(std::string meter, bool paused) {
  return call<bool>(*impl_->writer, "set_paused",
                    [id = std::move(meter), paused, clock = impl_->clock](sql::Connection& conn) -> StoreResult<bool> {
                      auto stmt = conn.cached("UPDATE meters SET paused = ?2, updated_ms = ?3 WHERE id = ?1");
                      if (!stmt) return fail(stmt.error());
                      sql::Query q(conn, *stmt);
                      q.bind(1, id).bind(2, std::int64_t{paused ? 1 : 0}).bind(3, clock());
                      if (auto r = q.run("setting the paused flag"); !r) return fail(r.error());
                      return conn.changes() > 0;
                    });
}

std::future<StoreResult<bool>> Store::acknowledge(std::int64_t event_id) {
  return call<bool>(*impl_->writer, "acknowledge", [event_id](sql::Connection& conn) -> StoreResult<bool> {
    auto stmt = conn.cached("UPDATE events SET acknowledged = 1 WHERE id = ?1");
    if (!stmt) return fail(stmt.error());
    sql::Query q(conn, *stmt);
    q.bind(1, event_id);
    if (auto r = q.run("acknowledging an event"); !r) return fail(r.error());
    return conn.changes() > 0;
  });
}

std::future<StoreResult<std::int64_t>> Store::delete_older_than(std::int64_t ts_ms) {
  return call<std::int64_t>(*impl_->writer, "delete_older_than",
                            [ts_ms](sql::Connection& conn) -> StoreResult<std::int64_t> {
                              auto stmt = conn.cached("DELETE FROM events WHERE ts_ms < ?1");
                              if (!stmt) return fail(stmt.error());
                              sql::Query q(conn, *stmt);
                              q.bind(1, ts_ms);
                              if (auto r = q.run("deleting old events"); !r) return fail(r.error());
                              return conn.changes();
                            });
}

// ---- reads ----

StoreResult<std::vector<MeterRecord>> Store::list_meters(bool include_removed) const {
  std::lock_guard lock(impl_->reader_mutex);
  auto& conn = *impl_->reader;
  const std::string sql = std::string("SELECT ") + kMeterColumns + " FROM meters" +
                          (include_removed ? "" : " WHERE removed = 0") + " ORDER BY id";
  auto stmt = conn.cached(sql);
  if (!stmt) return fail(stmt.error());
  sql::Query q(conn, *stmt);
  std::vector<MeterRecord> out;
  for (;;) {
    auto row = q.step("listing meters");
    if (!row) return fail(row.error());
    if (!*row) return out;
    out.push_back(read_meter(q));
  }
}

StoreResult<std::optional<MeterRecord>> Store::meter(std::string_view id) const {
  std::lock_guard lock(impl_->reader_mutex);
  auto& conn = *impl_->reader;
  auto stmt = conn.cached(std::string("SELECT ") + kMeterColumns + " FROM meters WHERE id = ?1");
  if (!stmt) return fail(stmt.error());
  sql::Query q(conn, *stmt);
  q.bind(1, id);
  auto row = q.step("reading a meter");
  if (!row) return fail(row.error());
  if (!*row) return std::optional<MeterRecord>{};
  return std::optional<MeterRecord>(read_meter(q));
}

StoreResult<std::vector<std::string>> Store::paused_meters() const {
  std::lock_guard lock(impl_->reader_mutex);
  auto& conn = *impl_->reader;
  auto stmt = conn.cached("SELECT id FROM meters WHERE paused = 1 AND removed = 0 ORDER BY id");
  if (!stmt) return fail(stmt.error());
  sql::Query q(conn, *stmt);
  std::vector<std::string> out;
  for (;;) {
    auto row = q.step("listing paused meters");
    if (!row) return fail(row.error());
    if (!*row) return out;
    out.push_back(q.text(0));
  }
}

StoreResult<std::vector<StoredEvent>> Store::events(const EventFilter& filter) const {
  // Conditions are fixed fragments; values are bound, severities come from the enum's labels.
  std::string sql =
      "SELECT id, ts_ms, meter, severity, category, message, details, repeat_count, acknowledged FROM events "
      "WHERE 1 = 1";
  if (filter.meter) sql += " AND meter = :meter";
  if (filter.since_ms) sql += " AND ts_ms >= :since";
  if (filter.min_severity) {
    sql += " AND severity IN (";
    bool first = true;
    for (int s = static_cast<int>(*filter.min_severity); s <= static_cast<int>(bridge::Severity::critical); ++s) {
      sql += first ? "'" : ", '";
      sql += to_label(static_cast<bridge::Severity>(s));
      sql += "'";
      first = false;
    }
    sql += ")";
  }
  if (filter.category) sql += " AND category = :category";
  if (filter.acknowledged) sql += " AND acknowledged = :ack";
  if (filter.before_id) sql += " AND id < :before";
  sql += " ORDER BY id DESC LIMIT :limit";

  std::lock_guard lock(impl_->reader_mutex);
  auto& conn = *impl_->reader;
  auto stmt = conn.cached(sql);
  if (!stmt) return fail(stmt.error());
  sql::Query q(conn, *stmt);
  auto idx = [&](const char* name) { return sqlite3_bind_parameter_index(*stmt, name); };
  if (filter.meter) q.bind(idx(":meter"), *filter.meter);
  if (filter.since_ms) q.bind(idx(":since"), *filter.since_ms);
  if (filter.category) q.bind(idx(":category"), *filter.category);
  if (filter.acknowledged) q.bind(idx(":ack"), std::int64_t{*filter.acknowledged ? 1 : 0});
  if (filter.before_id) q.bind(idx(":before"), *filter.before_id);
  q.bind(idx(":limit"), static_cast<std::int64_t>(std::min(filter.limit, kMaxQueryLimit)));
  std::vector<StoredEvent> out;
  for (;;) {
    auto row = q.step("querying events");
    if (!row) return fail(row.error());
    if (!*row) return out;
    StoredEvent e;
    e.id = q.int64(0);
    e.event.ts_ms = q.int64(1);
    e.event.meter = q.text(2);
    e.event.severity = severity_from_label(q.text(3));
    e.event.category = q.text(4);
    e.event.message = q.text(5);
    e.event.details = q.text(6);
    e.repeat_count = q.int64(7);
    e.acknowledged = q.int64(8) != 0;
    out.push_back(std::move(e));
  }
}

StoreResult<std::vector<StoredDiagnostic>> Store::diagnostics(std::string_view meter, std::size_t limit) const {
  std::lock_guard lock(impl_->reader_mutex);
  auto& conn = *impl_->reader;
  auto stmt = conn.cached(
      "SELECT id, ts_ms, meter, kind, direction, frame_hex, message FROM diagnostics WHERE meter = ?1 "
      "ORDER BY id DESC LIMIT ?2");
  if (!stmt) return fail(stmt.error());
  sql::Query q(conn, *stmt);
  q.bind(1, meter).bind(2, static_cast<std::int64_t>(std::min(limit, kMaxQueryLimit)));
  std::vector<StoredDiagnostic> out;
  for (;;) {
    auto row = q.step("querying diagnostics");
    if (!row) return fail(row.error());
    if (!*row) return out;
    StoredDiagnostic d;
    d.id = q.int64(0);
    d.diagnostic.ts_ms = q.int64(1);
    d.diagnostic.meter = q.text(2);
    d.diagnostic.kind = q.text(3);
    d.diagnostic.direction = direction_from_label(q.text(4));
    d.diagnostic.frame_hex = q.text(5);
    d.diagnostic.message = q.text(6);
    out.push_back(std::move(d));
  }
}

StoreStats Store::stats() const {
  StoreStats s;
  s.submitted = impl_->writer->submitted();
  s.dropped_queue_full = impl_->writer->dropped();
  s.write_errors = impl_->writer->write_errors();
  s.queue_depth = impl_->writer->depth();
  return s;
}

}  // namespace bridge::store
