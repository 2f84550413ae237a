#pragma once
// Where everything the exporter reports goes: the ExporterStats counters (the only list of
// them), the metric hooks (Observer), the event sink and the warning/error log lines that go
// with them. The pump, the channels and the exporter call one method per fact ("a message was
// acknowledged", "n readings were dropped for reason r") and this class keeps the counters,
// the metrics and the events in step.
//
// Counters sit behind a mutex: the publisher thread and producers add, stats() copies.
// Uncontended in practice (one add per reading or message), so a lock costs less than keeping
// a second, atomic copy of every field.
#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "bridge/event.h"
#include "bridge/labels.h"
#include "bridge/mqtt/exporter.h"
#include "bridge/mqtt/observer.h"

namespace bridge::mqtt {

// Readings per meter in one message, in first-seen order.
using MeterCounts = std::vector<std::pair<std::string, std::uint64_t>>;

// Event details as a JSON object text.
std::string details_json(std::initializer_list<std::pair<const char*, nlohmann::json>> fields);

class Report {
 public:
  // events and observer may be null.
  Report(EventSink* events, Observer* observer) : events_(events), observer_(observer) {}

  void emit(Severity severity, const std::string& category, std::string message, std::string details,
            const std::string& meter = {});

  // ---- readings entering ----
  void received() { add(&ExporterStats::readings_received); }
  // on_reading found the queue full (SQLite stalled): counted, logged, no event (producer thread).
  void queue_overflow(const std::string& meter, std::int64_t ts_ms);
  // n readings of `meter` entered the outbox (meter_readings_total).
  void stored(const std::string& meter, std::uint64_t n);

  // ---- messages leaving ----
  void published() { add(&ExporterStats::messages_published); }
  void replayed(std::uint64_t readings) { add(&ExporterStats::readings_replayed, readings); }
  // PUBACK of a telemetry message: its readings per meter and their read times (latency).
  void acked(const MeterCounts& per_meter, std::span<const std::int64_t> read_ts_ms);
  void publish_failure(bridge::labels::PublishFailure reason);
  // Counted per reason, logged, and an event (nothing when n == 0).
  void dropped(bridge::labels::OutboxDrop reason, std::uint64_t n);

  // ---- connections ----
  // A CONNACK; reconnect: the connection had been up before (mqtt_reconnects_total).
  void connect(bool reconnect);
  void ack_timeout();
  // mqtt_connected: observer told on change only.
  void set_connected(bool connected);
  void set_inflight(std::size_t n);
  // Outbox gauges; wants_outbox(): someone listens, worth the two store reads.
  bool wants_outbox() const { return observer_ != nullptr; }
  void outbox(std::int64_t messages, std::optional<std::int64_t> oldest_ts_ms);

  ExporterStats snapshot() const;
  bool connected() const;

 private:
  void add(std::uint64_t ExporterStats::*field, std::uint64_t n = 1);

  EventSink* events_;
  Observer* observer_;
  mutable std::mutex mutex_;
  ExporterStats stats_;
};

}  // namespace bridge::mqtt
