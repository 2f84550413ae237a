#pragma once
// The store's single writer: a thread that owns the write connection and executes jobs from a
// bounded queue, committing up to batch_max jobs per transaction with one savepoint per job.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "bridge/store/error.h"
#include "sqlite.h"

namespace bridge::store {

struct WriterJob {
  // Runs inside the batch transaction on the writer thread. An error rolls back this job only.
  std::function<Status(sql::Connection&)> work;
  // Runs on the writer thread after the batch committed (or failed) with the job's final status:
  // its own error, else the commit error, else success. Empty for fire-and-forget jobs.
  std::function<void(const Status&)> done;
  const char* name = "job";  // for logs
};

class Writer {
 public:
  Writer(std::unique_ptr<sql::Connection> conn, std::size_t capacity, std::size_t batch_max);
  // Executes everything already accepted, then stops the thread.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Never blocks: false when the queue is full or closing (counted as dropped).
  bool try_push(WriterJob job);
  // Waits for space; false only when closing (the job is not run, done is not called).
  bool push_wait(WriterJob job);

  std::uint64_t submitted() const { return submitted_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t write_errors() const { return write_errors_.load(std::memory_order_relaxed); }
  std::size_t depth() const;

 private:
  void run();
  void execute(std::deque<WriterJob>& batch);

  std::unique_ptr<sql::Connection> conn_;
  const std::size_t capacity_;
  const std::size_t batch_max_;
  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<WriterJob> queue_;
  bool closing_ = false;
  std::atomic<std::uint64_t> submitted_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> write_errors_{0};
  std::thread thread_;
};

}  // namespace bridge::store
