#include "shard_info_metric.h"

#include <prometheus/gauge.h>

namespace bridge::app {

ShardInfoMetric::ShardInfoMetric(::prometheus::Registry& registry)
    : family_(::prometheus::BuildGauge()
                  .Name("dlms_bridge_shard_info")
                  .Help("A metric with a constant 1, labeled by the [bridge] instance name and the shard "
                        "(index, count) of the fleet config this instance polls; 0/1 when not sharded.")
                  .Register(registry)) {}

void ShardInfoMetric::set(const config::Config& config) {
  const config::Shard shard = config.active_shard.value_or(config::Shard{});
  if (current_ != nullptr) family_.Remove(current_);
  current_ = &family_.Add({{"bridge_instance", config.bridge.instance},
                           {"shard", std::to_string(shard.index)},
                           {"shards", std::to_string(shard.count)}});
  current_->Set(1);
}

}  // namespace bridge::app
