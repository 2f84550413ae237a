#pragma once
// Rows of the MQTT outbox: a reading is stored here before it is published, and deleted only
// on PUBACK. id (INTEGER PRIMARY KEY AUTOINCREMENT) is the FIFO order and is never reused.
#include <cstdint>
#include <string>

namespace bridge::store {

struct OutboxMessage {
  std::string meter;
  std::string topic;
  std::string payload;          // bytes (stored as BLOB, binary safe)
  std::int64_t ts_ms = 0;       // read time of the reading (UTC ms)
  std::int64_t created_ms = 0;  // 0: the store's clock at insert
};

struct OutboxRow {
  std::int64_t id = 0;
  std::string meter;
  std::string topic;
  std::string payload;
  std::int64_t ts_ms = 0;
  std::int64_t created_ms = 0;
  std::int64_t attempts = 0;  // times outbox_record_attempts() was called for this row
};

// Rows dropped by outbox_enforce_caps, per reason (bridge::labels::OutboxDrop).
struct DropCounts {
  std::int64_t max_messages = 0;
  std::int64_t max_age = 0;
};

}  // namespace bridge::store
