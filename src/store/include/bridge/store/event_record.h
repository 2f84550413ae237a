#pragma once
// Stored events (the `events` table) and the query filter of Store::events().
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "bridge/event.h"

namespace bridge::store {

struct StoredEvent {
  std::int64_t id = 0;
  bridge::Event event;           // details is JSON object text ("" when none was given)
  std::int64_t repeat_count = 0; // repeats suppressed by EventThrottle before this one
  bool acknowledged = false;
};

// All fields optional; results are newest first (id descending).
struct EventFilter {
  std::optional<std::string> meter;          // exact meter id ("" = bridge-wide events)
  std::optional<std::int64_t> since_ms;      // ts_ms >= since_ms
  std::optional<bridge::Severity> min_severity;
  std::optional<std::string> category;
  std::optional<bool> acknowledged;
  std::optional<std::int64_t> before_id;     // paging: id < before_id
  std::size_t limit = 100;                   // capped at 10,000
};

}  // namespace bridge::store
