#pragma once
// The standard process_* metrics of the Prometheus client libraries (prometheus-cpp has none),
// read from /proc/self at scrape time.
#include <optional>
#include <string>

#include "bridge/prometheus/collector.h"

namespace bridge::prometheus {

struct ProcessStats {
  double cpu_seconds_total = 0;
  double resident_memory_bytes = 0;
  double virtual_memory_bytes = 0;
  double start_time_seconds = 0;  // Unix time
  double open_fds = 0;
  double max_fds = 0;             // soft RLIMIT_NOFILE
};

// Reads the current process; nullopt when /proc is not readable (then nothing is exported).
std::optional<ProcessStats> read_process_stats(const std::string& proc_root = "/proc");

class ProcessCollector : public Collector {
 public:
  void collect(TextWriter& out) const override;
};

}  // namespace bridge::prometheus
