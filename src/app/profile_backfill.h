#pragma once
// The load-profile backfill of the running bridge (docs/contract.md, "Load-profile backfill"):
// for one [[meter.profile]] on a session's open association, read the layout and the meter's
// clock, plan the ranges after the progress mark (poller/backfill_planner.h), read them with
// range selective access on the clock column, and hand the rows to the MQTT exporter, which
// stores them with the mark in one transaction.
//
// Marks: the store's profile_progress is the truth (loaded at start). A row handed to the
// exporter moves the in-memory mark at once, so the next read starts after it even before the
// insert committed; the store skips anything at or before its committed mark, so an overlap can
// never be published twice, and a crash before the commit re-reads the rows after the restart.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bridge/prometheus/profile_metrics.h"
#include "bridge/mqtt/exporter.h"
#include "bridge/poller/profile_reader.h"
#include "bridge/store/profile_progress.h"
#include "profile_read.h"

namespace bridge::app {

// Progress marks by (meter, profile), shared by the io thread and the exporter's thread.
class ProfileMarks {
 public:
  void load(const std::vector<store::ProfileMark>& marks);
  std::optional<std::int64_t> get(const std::string& meter, const std::string& profile) const;
  // Never moves back.
  void advance(const std::string& meter, const std::string& profile, std::int64_t last_row_ms);

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::int64_t> marks_;
};

// One profile row as a reading: ts = capture time, one value per numeric column (the clock
// column left out), keyed like live registers and in the meter's unit (raw x 10^scaler, Wh not
// kWh), so a backfilled active_energy continues the live series.
Reading profile_row_reading(const config::MeterConfig& meter, const ProfileTable& table, const ProfileRow& row);

// The outcome of a profile read that ended with `e` after `rows` rows: link broken when the
// association is unusable, the reason as a bounded label (labels::kProfileReadFailures).
poller::ProfileReadOutcome profile_read_failed(const transport::Error& e, std::size_t rows);

class ProfileBackfill final : public poller::ProfileReader {
 public:
  using Sink = std::function<void(mqtt::ProfileRows)>;
  // `metrics` may be null. `max_rows_per_read` bounds each GET (one day of quarter hours).
  ProfileBackfill(ProfileMarks& marks, Sink sink, prometheus::ProfileMetrics* metrics, std::size_t max_rows_per_read = 96)
      : marks_(marks), sink_(std::move(sink)), metrics_(metrics), max_rows_per_read_(max_rows_per_read) {}

  awaitable<poller::ProfileReadOutcome> read(transport::DlmsConnection& connection, const config::MeterConfig& meter,
                                             const config::ProfileConfig& profile) override;

 private:
  // profile_read_failed, counted in dlms_bridge_meter_profile_read_failures_total.
  poller::ProfileReadOutcome failed(const transport::Error& e, const config::MeterConfig& meter,
                                    const std::string& profile, std::size_t rows);

  ProfileMarks& marks_;
  Sink sink_;
  prometheus::ProfileMetrics* metrics_;
  std::size_t max_rows_per_read_;
};

}  // namespace bridge::app
