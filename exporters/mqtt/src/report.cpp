#include "report.h"

#include <algorithm>

#include "bridge/log.h"
#include "bridge/wall_clock.h"

namespace bridge::mqtt {

using bridge::labels::OutboxDrop;
using bridge::labels::PublishFailure;

std::string details_json(std::initializer_list<std::pair<const char*, nlohmann::json>> fields) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : fields) j[k] = v;
  return j.dump();
}

void Report::add(std::uint64_t ExporterStats::*field, std::uint64_t n) {
  std::lock_guard lock(mutex_);
  stats_.*field += n;
}

void Report::emit(Severity severity, const std::string& category, std::string message, std::string details,
                  const std::string& meter) {
  if (events_ == nullptr) return;
  Event e;
  e.ts_ms = bridge::wall_ms();
  e.meter = meter;
  e.severity = severity;
  e.category = category;
  e.message = std::move(message);
  e.details = std::move(details);
  events_->on_event(e);
}

void Report::queue_overflow(const std::string& meter, std::int64_t ts_ms) {
  add(&ExporterStats::dropped_store_error);
  if (observer_) observer_->on_dropped(OutboxDrop::store_error, 1);
  log::error("mqtt reading dropped: outbox queue full", {{"meter", meter}, {"ts", ts_ms}});
}

void Report::stored(const std::string& meter, std::uint64_t n) {
  add(&ExporterStats::readings_stored, n);
  if (observer_) observer_->on_readings_stored(meter, n);
}

void Report::acked(const MeterCounts& per_meter, std::span<const std::int64_t> read_ts_ms) {
  add(&ExporterStats::messages_acked);
  add(&ExporterStats::readings_acked, read_ts_ms.size());
  if (observer_ == nullptr) return;
  observer_->on_acked(1);
  for (const auto& [meter, n] : per_meter) observer_->on_readings_published(meter, n);
  const std::int64_t acked_ms = bridge::wall_ms();
  for (const auto ts : read_ts_ms) {
    observer_->on_publish_latency(static_cast<double>(std::max<std::int64_t>(0, acked_ms - ts)) / 1000.0);
  }
}

void Report::publish_failure(PublishFailure reason) {
  add(&ExporterStats::publish_failures);
  if (reason == PublishFailure::auth) add(&ExporterStats::auth_failures);
  if (reason == PublishFailure::tls) add(&ExporterStats::tls_failures);
  if (observer_) observer_->on_publish_failure(reason);
}

void Report::dropped(OutboxDrop reason, std::uint64_t n) {
  if (n == 0) return;
  switch (reason) {
    case OutboxDrop::max_messages: add(&ExporterStats::dropped_max_messages, n); break;
    case OutboxDrop::max_age: add(&ExporterStats::dropped_max_age, n); break;
    case OutboxDrop::store_error: add(&ExporterStats::dropped_store_error, n); break;
    case OutboxDrop::rejected: add(&ExporterStats::dropped_rejected, n); break;
  }
  if (observer_) observer_->on_dropped(reason, n);
  const std::string label(bridge::labels::to_label(reason));
  log::warn("outbox readings dropped", {{"reason", label}, {"count", n}});
  emit(Severity::warning, "outbox", "outbox dropped " + std::to_string(n) + " readings (" + label + ")",
       details_json({{"reason", label}, {"count", n}}));
}

void Report::connect(bool reconnect) {
  add(&ExporterStats::connects);
  if (reconnect && observer_) observer_->on_reconnect();
}

void Report::ack_timeout() {
  add(&ExporterStats::ack_timeouts);
  publish_failure(PublishFailure::timeout);
}

void Report::set_connected(bool connected) {
  {
    std::lock_guard lock(mutex_);
    if (stats_.connected == connected) return;
    stats_.connected = connected;
  }
  if (observer_) observer_->on_connected(connected);
}

void Report::set_inflight(std::size_t n) {
  std::lock_guard lock(mutex_);
  stats_.inflight = n;
}

void Report::outbox(std::int64_t messages, std::optional<std::int64_t> oldest_ts_ms) {
  if (observer_) observer_->on_outbox(messages, oldest_ts_ms);
}

ExporterStats Report::snapshot() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

bool Report::connected() const {
  std::lock_guard lock(mutex_);
  return stats_.connected;
}

}  // namespace bridge::mqtt
