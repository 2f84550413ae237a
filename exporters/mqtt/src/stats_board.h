#pragma once
// The exporter's counters, kept in one ExporterStats (the only list of them) behind a mutex:
// the publisher thread and producers add, stats() copies. Uncontended in practice (one add per
// reading or message), so a lock costs less than keeping a second, atomic copy of every field.
#include <cstdint>
#include <mutex>

#include "bridge/mqtt/exporter.h"

namespace bridge::mqtt {

class StatsBoard {
 public:
  void add(std::uint64_t ExporterStats::*field, std::uint64_t n = 1) {
    std::lock_guard lock(mutex_);
    stats_.*field += n;
  }
  void set_inflight(std::size_t n) {
    std::lock_guard lock(mutex_);
    stats_.inflight = n;
  }
  void set_connected(bool connected) {
    std::lock_guard lock(mutex_);
    stats_.connected = connected;
  }
  bool connected() const {
    std::lock_guard lock(mutex_);
    return stats_.connected;
  }
  ExporterStats snapshot() const {
    std::lock_guard lock(mutex_);
    return stats_;
  }

 private:
  mutable std::mutex mutex_;
  ExporterStats stats_;
};

}  // namespace bridge::mqtt
