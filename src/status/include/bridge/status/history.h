#pragma once
// FleetHistory: a bounded in-memory trend per meter for the status page and `ctl`, fed by the
// poller's cycle results (a poller::SessionObserver) and by the readings (ReadingSink, for the last
// values). Nothing here touches a meter or the store.
//
//   bridge::status::FleetHistory history({.window = std::chrono::hours(1)});
//   deps.observers.push_back(&history);  fanout.add(&history);            // wiring in `run`
//   history.set_published_source([&](const std::string& id) { ... cumulative PUBACKed readings });
//   MeterTrend t = history.meter_trend("m1", now_ms);          // success ratio, points, p95 ...
//   FleetTrend f = history.fleet_trend(now_ms);                // the summary bar's figures
//
// Memory: every meter keeps `buckets` fixed-size buckets (default 60 of 1 min, 40 bytes each: 2.4 KB;
// 24 MB at 10,000 meters) whatever its poll interval, plus its last reading. A bucket is aligned on
// multiples of its width since the epoch, so all meters' buckets line up and merge into the
// fleet's. The buckets form a ring behind the meter's newest one, so they carry no index of their
// own, and their counts are 16-bit (saturating: 65,535 slots per bucket is a poll every 0.9 ms
// over a 1-minute bucket).
// Thread safety: every method may be called from any thread (one mutex).
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bridge/poller/session_observer.h"
#include "bridge/reading.h"

namespace bridge::status {

struct HistoryOptions {
  std::chrono::milliseconds window = std::chrono::hours(1);
  std::size_t buckets = 60;
};

// Upper bounds (ms) of the latency bins the p95 is estimated from; the last bin is open.
inline constexpr std::array<std::int64_t, 7> kLatencyBounds = {100, 250, 500, 1000, 2000, 5000, 10000};

// One point of a sparkline: one bucket.
struct TrendPoint {
  std::int64_t start_ms = 0;
  std::uint64_t cycles = 0;     // slots counted in this bucket (failed ones included)
  std::uint64_t ok = 0;         // cycles that read every register
  std::int64_t latency_mean_ms = -1;  // -1: no read cycle ran in this bucket
  std::int64_t latency_max_ms = -1;
};

// Figures over the window (or the part of it the history covers so far).
struct TrendFigures {
  std::int64_t window_ms = 0;
  std::int64_t covered_ms = 0;   // from the first record inside the window to now
  std::uint64_t cycles = 0;
  std::uint64_t ok = 0;
  std::uint64_t readings = 0;    // readings made (complete or partial)
  std::uint64_t published = 0;   // readings the broker acknowledged
  bool published_known = false;  // false without a published source (MQTT disabled)
  std::uint64_t reconnects = 0;
  std::uint64_t hdlc_errors = 0;
  std::uint64_t latency_count = 0;
  std::int64_t latency_max_ms = 0;  // the slowest read cycle in the window
  std::optional<double> success_ratio() const;
  std::optional<double> publish_ratio() const;
  // Estimated from the bins (as histogram_quantile), and never above the slowest cycle seen: a
  // meter answering in 1 ms would otherwise read "p95 95 ms" from the first bin's 0-100 ms span.
  std::optional<std::int64_t> latency_p95_ms() const;
  std::array<std::uint64_t, kLatencyBounds.size() + 1> latency_bins{};
};

struct MeterTrend {
  TrendFigures figures;
  std::vector<TrendPoint> points;  // oldest first, one per bucket of the window (empty ones too)
  std::optional<Reading> last_reading;
};

struct FleetTrend {
  TrendFigures figures;
  // The worst meter for the per-meter targets (most reconnects / HDLC errors in the window).
  std::string most_reconnects_meter;
  std::uint64_t most_reconnects = 0;
  std::string most_hdlc_errors_meter;
  std::uint64_t most_hdlc_errors = 0;
};

class FleetHistory final : public poller::SessionObserver, public ReadingSink {
 public:
  explicit FleetHistory(HistoryOptions options = {});

  void on_cycle(const poller::CycleRecord& record) override;
  void on_reading(const Reading& reading) override;
  // Cumulative readings the broker acknowledged for a meter (nullopt: unknown). Sampled at each
  // cycle, so the publish ratio lags one cycle behind the acks.
  void set_published_source(std::function<std::optional<std::uint64_t>(const std::string&)> source);
  // A removed meter's history goes with it.
  void forget(const std::string& meter);

  MeterTrend meter_trend(const std::string& meter, std::int64_t now_ms) const;
  FleetTrend fleet_trend(std::int64_t now_ms) const;
  const HistoryOptions& options() const { return options_; }
  std::int64_t bucket_ms() const { return bucket_ms_; }

 private:
  struct Bucket {
    std::uint16_t used = 0;  // 1 once a record landed in it (covered_ms starts at the oldest used one)
    std::uint16_t cycles = 0;
    std::uint16_t ok = 0;
    std::uint16_t latency_count = 0;
    std::uint16_t readings = 0;
    std::uint16_t published = 0;
    std::uint16_t reconnects = 0;
    std::uint16_t hdlc_errors = 0;
    // A bucket's cycles run one after the other, so their sum stays within the bucket's width
    // (plus the last cycle's): 32 bits hold 49 days.
    std::uint32_t latency_sum_ms = 0;
    std::uint32_t latency_max_ms = 0;
    std::array<std::uint16_t, kLatencyBounds.size() + 1> latency_bins{};
  };
  static_assert(sizeof(Bucket) == 40);
  struct Meter {
    std::vector<Bucket> buckets;  // ring: bucket number i lives at i % buckets
    std::int64_t newest = -1;     // number (since the epoch) of the newest bucket written; -1 = none
    std::int64_t first_ms = 0;  // first record ever (for covered_ms)
    // Last cumulative values seen, to turn them into per-bucket increases; a smaller value
    // than the last one means the counter restarted (session re-created on reload).
    std::uint64_t last_reconnects = 0, last_hdlc_errors = 0, last_readings = 0;
    std::optional<std::uint64_t> last_published;
    std::optional<Reading> last_reading;
  };

  Bucket& bucket_for(Meter& m, std::int64_t ts_ms);
  // Calls f(bucket number, bucket) for every used bucket of `m` numbered oldest..newest.
  template <class F>
  void for_each_bucket(const Meter& m, std::int64_t oldest, std::int64_t newest, F&& f) const;
  void add_figures(const Meter& m, std::int64_t now_ms, TrendFigures& out) const;

  HistoryOptions options_;
  std::int64_t bucket_ms_;
  std::function<std::optional<std::uint64_t>(const std::string&)> published_source_;
  mutable std::mutex mutex_;
  std::map<std::string, Meter, std::less<>> meters_;
};

}  // namespace bridge::status
