#pragma once
// A source of metric families that writes exposition text directly (see text_writer.h for why
// the large per-meter sets bypass prometheus-cpp's Collect()). Implementations must be
// thread-safe: several HTTP worker threads may scrape at once.
#include "bridge/prometheus/text_writer.h"

namespace bridge::prometheus {

class Collector {
 public:
  virtual ~Collector() = default;
  // Appends complete families (HELP, TYPE, samples). Never touches a meter: cached state only.
  virtual void collect(TextWriter& out) const = 0;
};

}  // namespace bridge::prometheus
