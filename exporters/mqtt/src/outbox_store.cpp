#include "outbox_store.h"

#include "bridge/store/store.h"

namespace bridge::mqtt {

store::StoreResult<std::vector<std::int64_t>> StoreOutbox::insert(std::span<const store::OutboxMessage> messages) {
  return store_.outbox_insert_batch(messages);
}

store::StoreResult<std::int64_t> StoreOutbox::remove(std::span<const std::int64_t> ids) {
  return store_.outbox_delete(ids);
}

store::StoreResult<std::vector<store::OutboxRow>> StoreOutbox::pending(std::int64_t after_id,
                                                                       std::size_t limit) const {
  return store_.outbox_pending(after_id, limit);
}

store::StoreResult<store::DropCounts> StoreOutbox::enforce_caps(std::int64_t max_messages,
                                                                std::chrono::milliseconds max_age,
                                                                std::int64_t now_ms) {
  return store_.outbox_enforce_caps(max_messages, max_age, now_ms);
}

std::int64_t StoreOutbox::count() const { return store_.outbox_count(); }

store::StoreResult<std::optional<std::int64_t>> StoreOutbox::oldest_ts() const { return store_.outbox_oldest_ts(); }

}  // namespace bridge::mqtt
