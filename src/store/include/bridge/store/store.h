#pragma once
// The bridge's SQLite store: meter inventory, events, protocol diagnostics, the MQTT outbox,
// the load-profile backfill progress and the HLS-GMAC invocation counters.
//
// Threading model (why: the poller must never block on SQLite, and the outbox must sustain
// >= 20,000 durable readings/s):
//
//  * Writer thread + bounded queue. Every write except the outbox goes through one writer
//    thread on its own connection. It commits up to StoreOptions::writer_batch_max queued jobs
//    per transaction (one savepoint per job, so a failing job does not undo the others).
//      - Asynchronous, never block (safe on the poller's io_context thread): on_event /
//        submit_event, add_diagnostic, update_status. They return false (and count the drop
//        in stats()) when the queue is full or the store is closing.
//      - Synchronous (the caller needs the result): sync_meters, set_paused, acknowledge,
//        delete_older_than, flush. They return a std::future that is set after the transaction
//        holding the job COMMITted (or with the error). They wait for queue space rather than
//        drop, so do not call them on the poller thread and block on them there.
//  * Reader connection. list_meters, meter, paused_meters, events, diagnostics run on a
//    separate read-only connection, on the calling thread, serialised by a mutex. WAL lets it
//    read committed rows while the writer (or the outbox) is in the middle of a write.
//  * Outbox connection. The outbox_* calls run synchronously on the calling thread on a third,
//    dedicated connection (guarded by its own mutex, so any thread may call them, e.g. the MQTT
//    exporter's publisher thread and its PUBACK handler). Inserting a batch is ONE transaction
//    with a cached prepared statement. No other connection writes the outbox table, so the
//    store keeps an exact in-memory row count (outbox_count() is lock-free). The writer thread
//    and the outbox connection both use BEGIN IMMEDIATE and busy_timeout, so they take turns on
//    SQLite's single write lock without deadlocks; both keep their transactions short.
//    Never call outbox_* from the poller thread: queue readings and batch them elsewhere.
//
// Durability: see Durability in options.h. With the default (normal), a row whose insert call
// returned (or whose future is set) survives kill -9 of the process.
// All timestamps are UTC milliseconds since the Unix epoch (INTEGER columns).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/event.h"
#include "bridge/store/config_version.h"
#include "bridge/store/diagnostic.h"
#include "bridge/store/error.h"
#include "bridge/store/event_record.h"
#include "bridge/store/meter.h"
#include "bridge/store/options.h"
#include "bridge/store/outbox.h"
#include "bridge/store/profile_progress.h"

namespace bridge::store {

struct StoreStats {
  std::uint64_t submitted = 0;           // async items accepted into the queue
  std::uint64_t dropped_queue_full = 0;  // async items refused (queue full or closing)
  std::uint64_t write_errors = 0;        // jobs whose write failed (logged with the error)
  std::size_t queue_depth = 0;           // jobs waiting for the writer right now
};

class Store final : public bridge::EventSink {
 public:
  // Latest schema version this binary creates/migrates to (PRAGMA user_version).
  static constexpr int kSchemaVersion = 4;

  // Creates the parent directory if needed and the file with mode 0600, enables WAL, applies
  // the pending migrations (idempotent), starts the writer thread. Every failure is a
  // StoreError naming the path: unwritable directory (io/read_only), a file that is not a
  // database (not_a_database), a corrupt one (corrupt), a database held by another bridge or
  // locked past busy_timeout (locked), a newer schema (schema_too_new).
  static StoreResult<std::unique_ptr<Store>> open(const std::filesystem::path& path, StoreOptions options = {});

  // Drains the queue (every accepted job is executed), stops the writer, closes connections.
  ~Store() override;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::filesystem::path& path() const;
  int schema_version() const;  // as found after migrations (== kSchemaVersion)

  // ---- asynchronous writes (never block) ----
  // bridge::EventSink: stores the event with repeat_count 0.
  void on_event(const bridge::Event& event) override;
  // details must be JSON object text or empty; anything else is stored as {"text": details}.
  bool submit_event(const bridge::Event& event, std::int64_t repeat_count = 0);
  // Inserts and trims the meter's diagnostics to StoreOptions::diagnostics_per_meter rows.
  bool add_diagnostic(Diagnostic diagnostic);
  bool update_status(MeterStatusUpdate update);

  // ---- synchronous writes (future set after COMMIT) ----
  // Resolves once every job queued before it is committed.
  std::future<Status> flush();
  // Upserts the given meters (paused flags untouched, removed cleared); marks every other
  // non-removed row removed (status "removed", paused kept in case it comes back).
  std::future<StoreResult<SyncCounts>> sync_meters(std::vector<MeterInventory> meters);
  // false when the meter is not in the inventory.
  std::future<StoreResult<bool>> set_paused(std::string meter, bool paused);
  // false when no such event.
  std::future<StoreResult<bool>> acknowledge(std::int64_t event_id);
  // Deletes events with ts_ms < ts_ms; returns the number deleted.
  std::future<StoreResult<std::int64_t>> delete_older_than(std::int64_t ts_ms);

  // ---- reads (reader connection, any thread) ----
  StoreResult<std::vector<MeterRecord>> list_meters(bool include_removed = false) const;
  StoreResult<std::optional<MeterRecord>> meter(std::string_view id) const;
  StoreResult<std::vector<std::string>> paused_meters() const;  // non-removed, sorted by id
  StoreResult<std::vector<StoredEvent>> events(const EventFilter& filter = {}) const;
  // Newest first.
  StoreResult<std::vector<StoredDiagnostic>> diagnostics(std::string_view meter, std::size_t limit = 100) const;

  // ---- outbox (dedicated connection, synchronous, thread-safe) ----
  // One transaction; returns the new ids in input order (ascending = FIFO).
  StoreResult<std::vector<std::int64_t>> outbox_insert_batch(std::span<const OutboxMessage> messages);
  // One transaction; unknown ids are ignored. Returns the number of rows deleted.
  StoreResult<std::int64_t> outbox_delete(std::span<const std::int64_t> ids);
  // Rows with id > after_id, oldest first, at most limit (pass the last id seen to page).
  StoreResult<std::vector<OutboxRow>> outbox_pending(std::int64_t after_id, std::size_t limit) const;
  // attempts += 1 for each id (call when (re)publishing).
  Status outbox_record_attempts(std::span<const std::int64_t> ids);
  // Exact number of rows in the outbox (in-memory counter, lock-free).
  std::int64_t outbox_count() const;
  // ts_ms (read time) of the oldest row by FIFO order; nullopt when empty.
  StoreResult<std::optional<std::int64_t>> outbox_oldest_ts() const;
  // Drops oldest-first: rows whose created_ms < now_ms - max_age (scanning from the head of
  // the FIFO), then the oldest rows beyond max_messages. max_messages <= 0 or max_age <= 0
  // disables that cap. Counts are per reason (max_age applied first).
  StoreResult<DropCounts> outbox_enforce_caps(std::int64_t max_messages, std::chrono::milliseconds max_age,
                                              std::int64_t now_ms);

  // ---- load-profile backfill (profile_progress.cpp; the outbox connection) ----
  // One transaction: reads the (meter, profile) mark, inserts the rows whose ts_ms (capture
  // time) is after it, in input order (rows must be oldest first; one not after the previous
  // is skipped too), and moves the mark to the last row inserted. Rows already covered by the
  // mark are counted in `skipped`, not inserted: a re-read overlap is never published twice.
  StoreResult<ProfileInsertResult> outbox_insert_profile_rows(std::string_view meter, std::string_view profile,
                                                              std::span<const OutboxMessage> rows);
  // The committed mark, nullopt when no row of that profile ever entered the outbox.
  StoreResult<std::optional<std::int64_t>> profile_mark(std::string_view meter, std::string_view profile) const;
  // Every mark, by meter then profile.
  StoreResult<std::vector<ProfileMark>> profile_marks() const;

  // ---- config history (config_versions.cpp) ----
  // Synchronous write (future set after COMMIT); returns the new id. Keeps the last 1000.
  std::future<StoreResult<std::int64_t>> record_config_version(ConfigVersion version);
  // Newest first; only the version `id` when given (empty when there is none).
  StoreResult<std::vector<ConfigVersion>> config_versions(std::size_t limit = 100,
                                                          std::optional<std::int64_t> id = std::nullopt) const;

  // ---- HLS-GMAC invocation counters (invocation_counters.cpp) ----
  // Asynchronous (never blocks): records that values below `next` may have been used by the
  // meter's association under `system_title` (hex). Never lowers a stored value.
  bool save_invocation_counter(std::string meter, std::string system_title, std::uint32_t next);
  // The stored value, nullopt when none (reader connection, any thread).
  StoreResult<std::optional<std::uint32_t>> invocation_counter(std::string_view meter,
                                                               std::string_view system_title) const;

  StoreStats stats() const;

  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bridge::store
