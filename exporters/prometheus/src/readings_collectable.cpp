#include "bridge/metrics/readings_collectable.h"

#include <array>

namespace bridge::metrics {

void ReadingsCollectable::on_reading(const Reading& reading) {
  if (!enabled()) return;
  std::lock_guard lock(mutex_);
  auto it = meters_.find(reading.meter);
  if (it == meters_.end()) {
    it = meters_.emplace(reading.meter, MeterCache{TextWriter::label("meter", reading.meter), {}}).first;
  }
  auto& cache = it->second;
  for (const auto& v : reading.values) {
    auto unit = to_base_unit(v.unit, v.obis);
    if (!unit) continue;
    auto e = cache.by_obis.find(v.obis);
    if (e == cache.by_obis.end()) {
      e = cache.by_obis.emplace(v.obis, Entry{TextWriter::label("obis", normalize_obis(v.obis)), unit->family, 0})
              .first;
    }
    e->second.family = unit->family;
    e->second.value = v.value * unit->factor;
  }
}

void ReadingsCollectable::remove_meter(const std::string& meter) {
  std::lock_guard lock(mutex_);
  meters_.erase(meter);
}

void ReadingsCollectable::set_enabled(bool enabled) {
  enabled_.store(enabled, std::memory_order_relaxed);
  if (!enabled) {
    std::lock_guard lock(mutex_);
    meters_.clear();
  }
}

std::size_t ReadingsCollectable::series() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [id, cache] : meters_) n += cache.by_obis.size();
  return n;
}

void ReadingsCollectable::collect(TextWriter& out) const {
  // One pass over the cache, one buffer per family (a family's samples must be contiguous).
  std::array<std::string, kReadingFamilyCount> bodies;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, cache] : meters_) {
      for (const auto& [obis, e] : cache.by_obis) {
        auto& body = bodies[static_cast<std::size_t>(e.family)];
        TextWriter w(body);
        w.sample(metric_name(e.family), cache.label_body, e.obis_label, e.value);
      }
    }
  }
  for (std::size_t f = 0; f < kReadingFamilyCount; ++f) {
    if (bodies[f].empty()) continue;
    auto family = static_cast<ReadingFamily>(f);
    out.family(metric_name(family), help_text(family), "gauge");
    out.raw(bodies[f]);
  }
}

}  // namespace bridge::metrics
