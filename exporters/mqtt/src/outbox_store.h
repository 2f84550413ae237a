#pragma once
// The outbox operations the pump needs, and nothing else: a narrow seam so the pump's
// at-least-once logic runs in unit tests over an in-memory outbox. StoreOutbox forwards to the
// SQLite store (bridge::store::Store), whose outbox calls are synchronous and thread-safe.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "bridge/store/error.h"
#include "bridge/store/outbox.h"

namespace bridge::store {
class Store;
}

namespace bridge::mqtt {

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;
  // One transaction; the new ids in input order (ascending = FIFO, never reused).
  virtual store::StoreResult<std::vector<std::int64_t>> insert(std::span<const store::OutboxMessage> messages) = 0;
  // One transaction; unknown ids are ignored. Returns the number of rows deleted.
  virtual store::StoreResult<std::int64_t> remove(std::span<const std::int64_t> ids) = 0;
  // Rows with id > after_id, oldest first, at most limit.
  virtual store::StoreResult<std::vector<store::OutboxRow>> pending(std::int64_t after_id,
                                                                    std::size_t limit) const = 0;
  // Drop-oldest caps (see Store::outbox_enforce_caps); <= 0 disables a cap.
  virtual store::StoreResult<store::DropCounts> enforce_caps(std::int64_t max_messages,
                                                             std::chrono::milliseconds max_age,
                                                             std::int64_t now_ms) = 0;
  virtual std::int64_t count() const = 0;
  // ts_ms of the oldest row by FIFO order; nullopt when empty.
  virtual store::StoreResult<std::optional<std::int64_t>> oldest_ts() const = 0;
};

class StoreOutbox final : public OutboxStore {
 public:
  explicit StoreOutbox(store::Store& store) : store_(store) {}
  store::StoreResult<std::vector<std::int64_t>> insert(std::span<const store::OutboxMessage> messages) override;
  store::StoreResult<std::int64_t> remove(std::span<const std::int64_t> ids) override;
  store::StoreResult<std::vector<store::OutboxRow>> pending(std::int64_t after_id, std::size_t limit) const override;
  store::StoreResult<store::DropCounts> enforce_caps(std::int64_t max_messages, std::chrono::milliseconds max_age,
                                                     std::int64_t now_ms) override;
  std::int64_t count() const override;
  store::StoreResult<std::optional<std::int64_t>> oldest_ts() const override;

 private:
  store::Store& store_;
};

}  // namespace bridge::mqtt
