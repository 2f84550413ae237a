#pragma once
// Load-profile backfill metrics, per meter and profile (labels `meter`, `profile` = the
// profile's OBIS from [[meter.profile]], so the label values are bounded by the config):
//   dlms_bridge_meter_profile_rows_total                   counter  rows read from the meter's buffer
//   dlms_bridge_meter_profile_last_row_timestamp_seconds   gauge    capture time of the newest row in the outbox
//   dlms_bridge_meter_profile_backfill_lag_seconds         gauge    scrape time minus that capture time
//   dlms_bridge_meter_profile_read_failures_total{reason}  counter  failed profile reads (labels::kProfileReadFailures)
// The lag is computed at scrape time, so it keeps growing while a meter (or the bridge's link
// to it) is down and drops back to about one capture period once the backfill caught up.
// Thread-safe: the poller and the exporter update, HTTP workers scrape.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "bridge/labels.h"
#include "bridge/prometheus/collector.h"

namespace bridge::prometheus {

class ProfileMetrics final : public Collector {
 public:
  // `now_ms`: the wall clock (UTC ms) the lag is measured against; tests pass a fake.
  explicit ProfileMetrics(std::function<std::int64_t()> now_ms = {});

  // Creates the series at zero (idempotent), so rate() is defined from the first scrape.
  void add_profile(const std::string& meter, const std::string& profile);
  // The progress mark moved (or was loaded from the store at start): capture time in UTC ms.
  void set_last_row(const std::string& meter, const std::string& profile, std::int64_t last_row_ms);
  void add_rows_read(const std::string& meter, const std::string& profile, std::uint64_t rows);
  // A profile read failed; `reason` outside labels::kProfileReadFailures counts as `protocol`.
  void add_read_failure(const std::string& meter, const std::string& profile, labels::PollFailure reason);
  // Every profile of the meter disappears from the next scrape.
  void remove_meter(const std::string& meter);

  // For tests and the status API: (rows read, last row ms; 0 = none).
  std::pair<std::uint64_t, std::int64_t> snapshot(const std::string& meter, const std::string& profile) const;
  std::uint64_t read_failures(const std::string& meter, const std::string& profile, labels::PollFailure reason) const;

  void collect(TextWriter& out) const override;

 private:
  struct Series {
    std::uint64_t rows = 0;
    std::int64_t last_row_ms = 0;
    std::array<std::uint64_t, labels::kProfileReadFailures.size()> failures{};  // by kProfileReadFailures index
  };
  std::function<std::int64_t()> now_ms_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Series> series_;
};

}  // namespace bridge::prometheus
