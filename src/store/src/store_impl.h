#pragma once
// Store internals shared by store.cpp (open, events, meters, diagnostics) and outbox.cpp.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>

#include "bridge/store/options.h"
#include "bridge/store/store.h"
#include "sqlite.h"
#include "writer.h"

namespace bridge::store {

struct Store::Impl {
  std::filesystem::path path;
  StoreOptions options;
  std::function<std::int64_t()> clock;
  int schema_version = 0;
  int lock_fd = -1;  // flock on "<path>.lock" (StoreOptions::exclusive_instance)

  std::unique_ptr<sql::Connection> reader;
  mutable std::mutex reader_mutex;

  std::unique_ptr<sql::Connection> outbox;
  mutable std::mutex outbox_mutex;
  std::atomic<std::int64_t> outbox_rows{0};  // exact: only `outbox` writes the table

  std::unique_ptr<Writer> writer;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  // Writer first (drains the queue), then the other connections, then the instance lock.
  ~Impl();
};

}  // namespace bridge::store
