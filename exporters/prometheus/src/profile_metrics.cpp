#include "bridge/prometheus/profile_metrics.h"

#include <algorithm>
#include <vector>

#include "bridge/prometheus/text_writer.h"
#include "bridge/wall_clock.h"

namespace bridge::prometheus {
namespace {

std::size_t failure_index(labels::PollFailure reason) {
  const auto known = labels::profile_read_failure(reason);
  for (std::size_t i = 0; i < labels::kProfileReadFailures.size(); ++i) {
    if (labels::kProfileReadFailures[i] == known) return i;
  }
  return 0;  // unreachable: profile_read_failure returns a member of the list
}

}  // namespace

ProfileMetrics::ProfileMetrics(std::function<std::int64_t()> now_ms)
    : now_ms_(now_ms ? std::move(now_ms) : std::function<std::int64_t()>(bridge::wall_ms)) {}

void ProfileMetrics::add_profile(const std::string& meter, const std::string& profile) {
  std::lock_guard lock(mutex_);
  series_.try_emplace({meter, profile});
}

void ProfileMetrics::set_last_row(const std::string& meter, const std::string& profile, std::int64_t last_row_ms) {
  std::lock_guard lock(mutex_);
  auto& s = series_[{meter, profile}];
  s.last_row_ms = std::max(s.last_row_ms, last_row_ms);
}

void ProfileMetrics::add_rows_read(const std::string& meter, const std::string& profile, std::uint64_t rows) {
  std::lock_guard lock(mutex_);
  series_[{meter, profile}].rows += rows;
}

void ProfileMetrics::add_read_failure(const std::string& meter, const std::string& profile, labels::PollFailure reason) {
  std::lock_guard lock(mutex_);
  ++series_[{meter, profile}].failures[failure_index(reason)];
}

std::uint64_t ProfileMetrics::read_failures(const std::string& meter, const std::string& profile,
                                            labels::PollFailure reason) const {
  std::lock_guard lock(mutex_);
  auto it = series_.find({meter, profile});
  return it == series_.end() ? 0 : it->second.failures[failure_index(reason)];
}

void ProfileMetrics::remove_meter(const std::string& meter) {
  std::lock_guard lock(mutex_);
  std::erase_if(series_, [&](const auto& entry) { return entry.first.first == meter; });
}

std::pair<std::uint64_t, std::int64_t> ProfileMetrics::snapshot(const std::string& meter,
                                                                const std::string& profile) const {
  std::lock_guard lock(mutex_);
  auto it = series_.find({meter, profile});
  if (it == series_.end()) return {0, 0};
  return {it->second.rows, it->second.last_row_ms};
}

void ProfileMetrics::collect(TextWriter& out) const {
  struct Row {
    std::string labels;
    Series s;
  };
  std::vector<Row> rows;
  {
    std::lock_guard lock(mutex_);
    if (series_.empty()) return;
    rows.reserve(series_.size());
    for (const auto& [key, s] : series_) {
      rows.push_back({TextWriter::label("meter", key.first) + "," + TextWriter::label("profile", key.second), s});
    }
  }
  const std::int64_t now = now_ms_();
  out.family("dlms_bridge_meter_profile_rows_total", "Load-profile rows read from the meter's buffer.", "counter");
  for (const auto& r : rows) out.sample("dlms_bridge_meter_profile_rows_total", r.labels, static_cast<double>(r.s.rows));
  out.family("dlms_bridge_meter_profile_last_row_timestamp_seconds",
             "Capture time (meter clock) of the newest load-profile row in the MQTT outbox; 0 = none yet.", "gauge");
  for (const auto& r : rows) {
    out.sample("dlms_bridge_meter_profile_last_row_timestamp_seconds", r.labels,
               static_cast<double>(r.s.last_row_ms) / 1000.0);
  }
  out.family("dlms_bridge_meter_profile_read_failures_total",
             "Failed load-profile reads by reason: timeout, closed (connection lost), protocol (malformed reply or "
             "buffer), access_denied.",
             "counter");
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < labels::kProfileReadFailures.size(); ++i) {
      out.sample("dlms_bridge_meter_profile_read_failures_total",
                 r.labels + "," + TextWriter::label("reason", labels::to_label(labels::kProfileReadFailures[i])),
                 static_cast<double>(r.s.failures[i]));
    }
  }
  out.family("dlms_bridge_meter_profile_backfill_lag_seconds",
             "Time since the capture of the newest load-profile row in the MQTT outbox (absent before the first).",
             "gauge");
  for (const auto& r : rows) {
    if (r.s.last_row_ms <= 0) continue;
    out.sample("dlms_bridge_meter_profile_backfill_lag_seconds", r.labels,
               static_cast<double>(now - r.s.last_row_ms) / 1000.0);
  }
}

}  // namespace bridge::prometheus
