#pragma once
// Everything /metrics serves: prometheus-cpp collectables (BridgeMetrics::registry(), serialized
// with TextSerializer) followed by our direct-text Collectors (per-meter series, readings,
// process). Family names must not repeat across sources.
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/collectable.h>

#include "bridge/prometheus/collector.h"
#include "bridge/prometheus/family_filter.h"

namespace bridge::prometheus {

// The Content-Type of the text format.
inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

class Exposition {
 public:
  void add(std::shared_ptr<::prometheus::Collectable> collectable);
  void add(std::shared_ptr<const Collector> collector);
  // Families left out of every body from now on ([http] metric_allowlist / metric_denylist).
  void set_filter(FamilyFilter filter);
  // Whole /metrics body. Thread-safe; sources may be added while serving.
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  // Size of the previous body: the next one is reserved at once instead of growing a
  // multi-megabyte string by doubling (each step copies everything written so far).
  mutable std::atomic<std::size_t> last_size_{0};
  std::vector<std::shared_ptr<::prometheus::Collectable>> collectables_;
  std::vector<std::shared_ptr<const Collector>> collectors_;
  std::shared_ptr<const FamilyFilter> filter_;
};

}  // namespace bridge::prometheus
