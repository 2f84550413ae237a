#pragma once
// Latest reading per (meter, OBIS) as base-unit gauges (dlms_bridge_reading_volts{meter,obis},
// _amperes, _watts, _joules, ...). Readings update a cache; a scrape formats the cache. No
// prometheus-cpp registry is touched per reading, so the poller never pays for series creation.
#include <array>
#include <atomic>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "bridge/prometheus/collector.h"
#include "bridge/prometheus/reading_units.h"
#include "bridge/reading.h"

namespace bridge::prometheus {

class ReadingsCollectable : public Collector, public ReadingSink {
 public:
  // Thread-safe and cheap (one short lock, no allocation once a register is known). Values
  // with a unit Prometheus has no base unit for (see reading_units.h) are skipped.
  void on_reading(const Reading& reading) override;
  // The meter's series disappear from the next scrape (config reload removed it).
  void remove_meter(const std::string& meter);
  // Very large fleets may turn readings off ([http] export_readings = false): the cache is
  // dropped and further readings are ignored until enabled again.
  void set_enabled(bool enabled);
  bool enabled() const { return enabled_.load(std::memory_order_relaxed); }
  std::size_t series() const;

  void collect(TextWriter& out) const override;

 private:
  struct Entry {
    std::string obis_label;  // obis="1-1:32.7.0"
    std::string_view suffix;  // points into the static unit table (or a literal)
    double value = 0;
  };
  struct MeterCache {
    std::string label_body;                       // meter="<escaped id>"
    std::map<std::string, Entry, std::less<>> by_obis;  // key: OBIS as the poller sent it
  };

  // Sharded by meter id so that a scrape formats one shard at a time: the poller's on_reading
  // waits for at most one shard (~1/64 of the cache), not the whole scrape.
  static constexpr std::size_t kShards = 64;
  struct Shard {
    mutable std::mutex mutex;
    std::map<std::string, MeterCache, std::less<>> meters;
  };
  Shard& shard_for(std::string_view meter);

  std::atomic<bool> enabled_{true};
  std::array<Shard, kShards> shards_;
};

}  // namespace bridge::prometheus
