#pragma once
// Knobs of Store::open. Defaults fit the service; tests shorten timeouts.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace bridge::store {

// Durability of a committed transaction (the database always runs in WAL mode):
//  - normal: PRAGMA synchronous=NORMAL. A committed transaction survives a crash of the process
//    (kill -9, abort, OOM kill): it is in the WAL file, which the OS keeps. It may be lost on an
//    OS crash or power loss since the WAL is only fsync'ed at checkpoints. The database is never
//    corrupted either way. This is the default: it is what makes >= 20,000 readings/s possible.
//  - full: PRAGMA synchronous=FULL. The WAL is fsync'ed on every commit: committed transactions
//    also survive power loss, at the cost of one fsync per transaction (batch to amortise it).
enum class Durability { normal, full };

struct StoreOptions {
  Durability durability = Durability::normal;
  // How long a connection waits for another one holding the write lock before failing with
  // kind locked (SQLite busy_timeout). Also bounds how long open() waits on a foreign lock.
  std::chrono::milliseconds busy_timeout{5000};
  // Bounded queue in front of the writer thread. submit-style calls never block: when the queue
  // is full the item is dropped and counted in StoreStats::dropped_queue_full.
  std::size_t queue_capacity = 65536;
  // The writer commits up to this many queued jobs in one transaction.
  std::size_t writer_batch_max = 512;
  // diagnostics keeps the newest N rows per meter (older ones are deleted on insert).
  std::size_t diagnostics_per_meter = 500;
  // Hold an exclusive flock on "<path>.lock" for the life of the Store, so a second bridge on
  // the same database fails at open with kind locked instead of double-publishing the outbox.
  // A separate file, because closing any descriptor of the database file itself would drop
  // SQLite's POSIX locks. Other SQLite clients (sqlite3 CLI, tests) are not affected by it.
  bool exclusive_instance = true;
  // Run PRAGMA quick_check at open (O(database size); catches corruption beyond page 1).
  bool quick_check = false;
  // UTC wall clock in ms since the Unix epoch, used for created_ms / updated_ms when the caller
  // does not give a timestamp. Empty: std::chrono::system_clock.
  std::function<std::int64_t()> clock;
};

}  // namespace bridge::store
