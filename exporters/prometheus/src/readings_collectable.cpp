#include "bridge/prometheus/readings_collectable.h"

#include <map>
#include <string_view>

namespace bridge::prometheus {

ReadingsCollectable::Shard& ReadingsCollectable::shard_for(std::string_view meter) {
  return shards_[std::hash<std::string_view>{}(meter) % kShards];
}

void ReadingsCollectable::on_reading(const Reading& reading) {
  if (!enabled()) return;
  auto& shard = shard_for(reading.meter);
  std::lock_guard lock(shard.mutex);
  auto it = shard.meters.find(reading.meter);
  if (it == shard.meters.end()) {
    it = shard.meters.emplace(reading.meter, MeterCache{TextWriter::label("meter", reading.meter), {}}).first;
  }
  auto& cache = it->second;
  for (const auto& v : reading.values) {
    auto unit = to_base_unit(v.unit, v.obis);
    if (!unit) continue;
    auto e = cache.by_obis.find(v.obis);
    if (e == cache.by_obis.end()) {
      e = cache.by_obis.emplace(v.obis, Entry{TextWriter::label("obis", normalize_obis(v.obis)), unit->suffix, 0})
              .first;
    }
    e->second.suffix = unit->suffix;
    e->second.value = v.value * unit->factor;
  }
}

void ReadingsCollectable::remove_meter(const std::string& meter) {
  auto& shard = shard_for(meter);
  std::lock_guard lock(shard.mutex);
  shard.meters.erase(meter);
}

void ReadingsCollectable::set_enabled(bool enabled) {
  enabled_.store(enabled, std::memory_order_relaxed);
  if (!enabled) {
    for (auto& shard : shards_) {
      std::lock_guard lock(shard.mutex);
      shard.meters.clear();
    }
  }
}

std::size_t ReadingsCollectable::series() const {
  std::size_t n = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (const auto& [id, cache] : shard.meters) n += cache.by_obis.size();
  }
  return n;
}

void ReadingsCollectable::collect(TextWriter& out) const {
  // One pass over the cache, one buffer per family (a family's samples must be contiguous).
  struct Family {
    std::string name;
    std::string body;
    bool served = true;  // false: the [http] filter drops it, so its samples are not formatted
  };
  std::map<std::string_view, Family> families;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (const auto& [id, cache] : shard.meters) {
      for (const auto& [obis, e] : cache.by_obis) {
        auto [it, fresh] = families.try_emplace(e.suffix);
        auto& f = it->second;
        if (fresh) {
          f.name = metric_name(e.suffix);
          f.served = out.serves(f.name);
        }
        if (!f.served) continue;
        TextWriter w(f.body);
        w.sample(f.name, cache.label_body, e.obis_label, e.value);
      }
    }
  }
  for (const auto& [suffix, f] : families) {
    if (!f.served) continue;
    out.family(f.name, help_text(suffix), "gauge");
    out.raw(f.body);
  }
}

}  // namespace bridge::prometheus
