#include "writer.h"

#include <pthread.h>

#include <utility>
#include <vector>

#include "bridge/log.h"

namespace bridge::store {

Writer::Writer(std::unique_ptr<sql::Connection> conn, std::size_t capacity, std::size_t batch_max)
    : conn_(std::move(conn)), capacity_(capacity == 0 ? 1 : capacity), batch_max_(batch_max == 0 ? 1 : batch_max) {
  thread_ = std::thread([this] { run(); });
  pthread_setname_np(thread_.native_handle(), "store-writer");
}

Writer::~Writer() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
  thread_.join();
}

bool Writer::try_push(WriterJob job) {
  {
    std::lock_guard lock(mutex_);
    if (closing_ || queue_.size() >= capacity_) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    queue_.push_back(std::move(job));
  }
  submitted_.fetch_add(1, std::memory_order_relaxed);
  not_empty_.notify_one();
  return true;
}

bool Writer::push_wait(WriterJob job) {
  {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closing_ || queue_.size() < capacity_; });
    if (closing_) return false;
    queue_.push_back(std::move(job));
  }
  not_empty_.notify_one();
  return true;
}

std::size_t Writer::depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void Writer::run() {
  std::deque<WriterJob> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      not_empty_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing and drained
      while (!queue_.empty() && batch.size() < batch_max_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    not_full_.notify_all();
    execute(batch);
    batch.clear();
  }
}

void Writer::execute(std::deque<WriterJob>& batch) {
  std::vector<Status> results(batch.size());
  auto fail_all = [&](const StoreError& e) {
    for (auto& r : results) {
      if (r) r = fail(e);
    }
  };

  if (auto tx = sql::Transaction::begin(*conn_); !tx) {
    fail_all(tx.error());
  } else {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (auto r = conn_->exec_cached("SAVEPOINT job"); !r) {
        results[i] = r;
        continue;
      }
      results[i] = batch[i].work(*conn_);
      if (sqlite3_get_autocommit(conn_->handle())) {
        // SQLite rolled the whole transaction back (disk full, I/O error): every job is lost.
        StoreError e = results[i] ? StoreError{StoreErrorKind::sqlite, "write transaction aborted", 0}
                                  : results[i].error();
        fail_all(e);
        break;
      }
      if (!results[i]) (void)conn_->exec_cached("ROLLBACK TO job");
      (void)conn_->exec_cached("RELEASE job");
    }
    if (!sqlite3_get_autocommit(conn_->handle())) {
      if (auto c = tx->commit(); !c) fail_all(c.error());
    }
  }

  bool logged = false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!results[i]) {
      write_errors_.fetch_add(1, std::memory_order_relaxed);
      // One log line per batch: a full disk must not turn into a log flood.
      if (!logged && !batch[i].done) {
        log::error("store write failed", {{"job", batch[i].name},
                                          {"kind", to_label(results[i].error().kind)},
                                          {"error", results[i].error().message}});
        logged = true;
      }
    }
    if (batch[i].done) batch[i].done(results[i]);
  }
}

}  // namespace bridge::store
