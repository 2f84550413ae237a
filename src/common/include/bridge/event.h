#pragma once
// Operator-visible events (SQLite `events` table, /api/v1/events, logs).
#include <cstdint>
#include <string>
#include <string_view>

namespace bridge {

enum class Severity { info, warning, error, critical };

constexpr std::string_view to_label(Severity s) {
  switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
    case Severity::critical: return "critical";
  }
  return "info";
}

// Categories (bounded): watchdog, circuit_breaker, connection, hdlc, association, polling,
// startup, shutdown, config, mqtt, outbox, store, heartbeat.
struct Event {
  std::int64_t ts_ms = 0;   // UTC ms
  std::string meter;        // empty for bridge-wide events
  Severity severity = Severity::info;
  std::string category;
  std::string message;      // one line, human readable
  std::string details;      // JSON object text (may be empty): reason, diagnosis, action, counts
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const Event& event) = 0;  // must not block
};

}  // namespace bridge
