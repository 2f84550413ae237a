#pragma once
// What a poll cycle ended with, for listeners that keep trends (the status page's per-meter
// history). One record per counted cycle: a read cycle that ran, a failed connection attempt
// (it stands in for the cycle it was made for), or a batch of slots the open circuit breaker
// skipped. Called on the io thread right after the session counted the cycle; implementations
// must be cheap and must not block.
#include <cstdint>
#include <string_view>

#include "bridge/poller/status.h"

namespace bridge::poller {

struct CycleRecord {
  std::string_view meter;
  std::int64_t ts_ms = 0;          // UTC ms when the cycle ended
  bool ok = false;                 // every register read
  bool reading = false;            // a reading was made (complete or partial)
  std::int64_t duration_ms = -1;   // the read cycle's duration; -1 when none ran (connect failed, breaker open)
  std::uint64_t slots = 1;         // poll slots this record stands for (breaker skips come in batches)
  const MeterCounters* counters = nullptr;  // the session's cumulative counters after this cycle
};

class CycleObserver {
 public:
  virtual ~CycleObserver() = default;
  virtual void on_cycle(const CycleRecord& record) = 0;
};

}  // namespace bridge::poller
