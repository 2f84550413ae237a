#pragma once
// dlms_bridge_shard_info{bridge_instance, shard, shards} 1: which instance this target is and
// which part of the fleet it polls. The label is bridge_instance, not instance: Prometheus sets
// `instance` itself from the scrape target, and a metric label of that name would be renamed
// exported_instance (honor_labels: false) or would overwrite the target's (honor_labels: true).
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "bridge/config/config.h"

namespace bridge::app {

class ShardInfoMetric {
 public:
  explicit ShardInfoMetric(::prometheus::Registry& registry);
  // Replaces the series with the one for `config` (the shard may change on reload).
  void set(const config::Config& config);

 private:
  ::prometheus::Family<::prometheus::Gauge>& family_;
  ::prometheus::Gauge* current_ = nullptr;
};

}  // namespace bridge::app
