#include "bridge/status/history.h"

#include <algorithm>
#include <limits>

namespace bridge::status {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

template <class T>
void saturating_add(T& field, std::uint64_t n) {
  const std::uint64_t room = std::numeric_limits<T>::max() - field;
  field = static_cast<T>(field + std::min(room, n));
}

// Increase of a cumulative counter since `last` (a restart counts from zero, as Prometheus).
std::uint64_t increase(std::uint64_t now, std::uint64_t& last) {
  const std::uint64_t inc = now >= last ? now - last : now;
  last = now;
  return inc;
}

std::size_t latency_bin(std::int64_t ms) {
  for (std::size_t i = 0; i < kLatencyBounds.size(); ++i) {
    if (ms <= kLatencyBounds[i]) return i;
  }
  return kLatencyBounds.size();
}

}  // namespace

std::optional<double> TrendFigures::success_ratio() const {
  if (cycles == 0) return std::nullopt;
  return static_cast<double>(ok) / static_cast<double>(cycles);
}

std::optional<double> TrendFigures::publish_ratio() const {
  if (!published_known || readings == 0) return std::nullopt;
  // Acks of readings made just before the window may land inside it.
  return std::min(1.0, static_cast<double>(published) / static_cast<double>(readings));
}

std::optional<std::int64_t> TrendFigures::latency_p95_ms() const {
  if (latency_count == 0) return std::nullopt;
  // Linear interpolation inside the bin holding the 95th percentile, like histogram_quantile;
  // the open last bin answers its lower bound.
  const double rank = 0.95 * static_cast<double>(latency_count);
  double seen = 0;
  for (std::size_t i = 0; i < latency_bins.size(); ++i) {
    const double in_bin = static_cast<double>(latency_bins[i]);
    if (in_bin > 0 && seen + in_bin >= rank) {
      if (i == kLatencyBounds.size()) return kLatencyBounds.back();
      const double lower = i == 0 ? 0.0 : static_cast<double>(kLatencyBounds[i - 1]);
      const double upper = static_cast<double>(kLatencyBounds[i]);
      const auto estimate = static_cast<std::int64_t>(lower + (upper - lower) * (rank - seen) / in_bin);
      return std::min(estimate, latency_max_ms);
    }
    seen += in_bin;
  }
  return std::min(kLatencyBounds.back(), latency_max_ms);
}

FleetHistory::FleetHistory(HistoryOptions options)
    : options_(options),
      bucket_ms_(std::max<std::int64_t>(1, options.window.count() / static_cast<std::int64_t>(std::max<std::size_t>(1, options.buckets)))) {
  options_.buckets = std::max<std::size_t>(1, options_.buckets);
}

void FleetHistory::set_published_source(std::function<std::optional<std::uint64_t>(const std::string&)> source) {
  std::lock_guard lock(mutex_);
  published_source_ = std::move(source);
}

namespace {

std::size_t ring_slot(std::int64_t index, std::size_t size) {
  const auto n = static_cast<std::int64_t>(size);
  return static_cast<std::size_t>(((index % n) + n) % n);
}

}  // namespace

FleetHistory::Bucket& FleetHistory::bucket_for(Meter& m, std::int64_t ts_ms) {
  const std::size_t size = options_.buckets;
  if (m.buckets.empty()) m.buckets.resize(size);
  const std::int64_t index = floor_div(ts_ms, bucket_ms_);
  const auto n = static_cast<std::int64_t>(size);
  if (m.newest < 0 || index <= m.newest - n) {
    // First record, or one older than the whole ring (only around a clock step back): start afresh.
    std::fill(m.buckets.begin(), m.buckets.end(), Bucket{});
    m.newest = index;
  } else if (index > m.newest) {
    // Later buckets reuse the slots of those that left the ring.
    for (std::int64_t i = std::max(m.newest + 1, index - n + 1); i <= index; ++i) m.buckets[ring_slot(i, size)] = Bucket{};
    m.newest = index;
  }
  Bucket& b = m.buckets[ring_slot(index, size)];
  b.used = 1;
  return b;
}

template <class F>
void FleetHistory::for_each_bucket(const Meter& m, std::int64_t oldest, std::int64_t newest, F&& f) const {
  if (m.newest < 0 || m.buckets.empty()) return;
  const auto n = static_cast<std::int64_t>(m.buckets.size());
  const std::int64_t from = std::max(oldest, m.newest - n + 1);
  const std::int64_t to = std::min(newest, m.newest);
  for (std::int64_t i = from; i <= to; ++i) {
    const Bucket& b = m.buckets[ring_slot(i, m.buckets.size())];
    if (b.used) f(i, b);
  }
}

void FleetHistory::on_cycle(const poller::CycleRecord& record) {
  std::optional<std::uint64_t> published;
  std::function<std::optional<std::uint64_t>(const std::string&)> source;
  {
    std::lock_guard lock(mutex_);
    source = published_source_;
  }
  const std::string id(record.meter);
  if (source) published = source(id);  // outside the lock: it may take the metrics' own lock

  std::lock_guard lock(mutex_);
  Meter& m = meters_[id];
  if (m.first_ms == 0) m.first_ms = record.ts_ms;
  Bucket& b = bucket_for(m, record.ts_ms);
  saturating_add(b.cycles, record.slots);
  if (record.ok) saturating_add(b.ok, record.slots);
  if (record.duration_ms >= 0 && b.latency_count < std::numeric_limits<std::uint16_t>::max()) {
    // Count and sum saturate together, so the mean stays right.
    ++b.latency_count;
    saturating_add(b.latency_sum_ms, static_cast<std::uint64_t>(record.duration_ms));
    b.latency_max_ms = std::max<std::uint32_t>(
        b.latency_max_ms, static_cast<std::uint32_t>(std::min<std::int64_t>(record.duration_ms, 0xFFFFFFFF)));
    saturating_add(b.latency_bins[latency_bin(record.duration_ms)], 1);
  }
  if (record.counters) {
    saturating_add(b.reconnects, increase(record.counters->reconnects, m.last_reconnects));
    saturating_add(b.hdlc_errors, increase(record.counters->hdlc_errors, m.last_hdlc_errors));
    saturating_add(b.readings, increase(record.counters->readings, m.last_readings));
  }
  if (published) {
    // The first sample is only a baseline: acks before the history started are not in it.
    if (m.last_published) {
      saturating_add(b.published, increase(*published, *m.last_published));
    } else {
      m.last_published = *published;
    }
  }
}

void FleetHistory::on_reading(const Reading& reading) {
  std::lock_guard lock(mutex_);
  meters_[reading.meter].last_reading = reading;
}

void FleetHistory::forget(const std::string& meter) {
  std::lock_guard lock(mutex_);
  meters_.erase(meter);
}

void FleetHistory::add_figures(const Meter& m, std::int64_t now_ms, TrendFigures& out) const {
  const std::int64_t newest = floor_div(now_ms, bucket_ms_);
  const std::int64_t oldest = newest - static_cast<std::int64_t>(options_.buckets) + 1;
  std::int64_t first_in_window = -1;
  for_each_bucket(m, oldest, newest, [&](std::int64_t index, const Bucket& b) {
    if (first_in_window < 0) first_in_window = index;  // oldest first
    out.cycles += b.cycles;
    out.ok += b.ok;
    out.readings += b.readings;
    out.published += b.published;
    out.reconnects += b.reconnects;
    out.hdlc_errors += b.hdlc_errors;
    out.latency_count += b.latency_count;
    if (b.latency_count > 0) out.latency_max_ms = std::max<std::int64_t>(out.latency_max_ms, b.latency_max_ms);
    for (std::size_t i = 0; i < b.latency_bins.size(); ++i) out.latency_bins[i] += b.latency_bins[i];
  });
  if (m.last_published) out.published_known = true;
  if (first_in_window >= 0) {
    const std::int64_t start = std::max(m.first_ms, first_in_window * bucket_ms_);
    out.covered_ms = std::max(out.covered_ms, std::min(options_.window.count(), now_ms - start));
  }
}

MeterTrend FleetHistory::meter_trend(const std::string& meter, std::int64_t now_ms) const {
  MeterTrend t;
  t.figures.window_ms = options_.window.count();
  const std::int64_t newest = floor_div(now_ms, bucket_ms_);
  const std::int64_t oldest = newest - static_cast<std::int64_t>(options_.buckets) + 1;
  t.points.resize(options_.buckets);
  for (std::size_t i = 0; i < t.points.size(); ++i) t.points[i].start_ms = (oldest + static_cast<std::int64_t>(i)) * bucket_ms_;
  std::lock_guard lock(mutex_);
  auto it = meters_.find(meter);
  if (it == meters_.end()) return t;
  const Meter& m = it->second;
  add_figures(m, now_ms, t.figures);
  for_each_bucket(m, oldest, newest, [&](std::int64_t index, const Bucket& b) {
    TrendPoint& p = t.points[static_cast<std::size_t>(index - oldest)];
    p.cycles = b.cycles;
    p.ok = b.ok;
    if (b.latency_count > 0) {
      p.latency_mean_ms = static_cast<std::int64_t>(b.latency_sum_ms / b.latency_count);
      p.latency_max_ms = b.latency_max_ms;
    }
  });
  t.last_reading = m.last_reading;
  return t;
}

FleetTrend FleetHistory::fleet_trend(std::int64_t now_ms) const {
  FleetTrend f;
  f.figures.window_ms = options_.window.count();
  std::lock_guard lock(mutex_);
  bool any_published = !meters_.empty();
  for (const auto& [id, m] : meters_) {
    TrendFigures own;
    add_figures(m, now_ms, own);
    f.figures.cycles += own.cycles;
    f.figures.ok += own.ok;
    f.figures.readings += own.readings;
    f.figures.published += own.published;
    f.figures.reconnects += own.reconnects;
    f.figures.hdlc_errors += own.hdlc_errors;
    f.figures.latency_count += own.latency_count;
    f.figures.latency_max_ms = std::max(f.figures.latency_max_ms, own.latency_max_ms);
    for (std::size_t i = 0; i < own.latency_bins.size(); ++i) f.figures.latency_bins[i] += own.latency_bins[i];
    f.figures.covered_ms = std::max(f.figures.covered_ms, own.covered_ms);
    any_published = any_published && own.published_known;
    if (own.reconnects > f.most_reconnects) {
      f.most_reconnects = own.reconnects;
      f.most_reconnects_meter = id;
    }
    if (own.hdlc_errors > f.most_hdlc_errors) {
      f.most_hdlc_errors = own.hdlc_errors;
      f.most_hdlc_errors_meter = id;
    }
  }
  f.figures.published_known = any_published;
  return f;
}

}  // namespace bridge::status
