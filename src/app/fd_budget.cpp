#include "fd_budget.h"

#include <algorithm>

namespace bridge::app {

FdBudget fd_budget(const config::Config& cfg) {
  FdBudget b;
  b.meter_sockets = static_cast<std::uint64_t>(
      std::count_if(cfg.meters.begin(), cfg.meters.end(), [](const config::MeterConfig& m) { return m.enabled; }));
  if (cfg.mqtt.enabled && cfg.mqtt.mode == config::MqttMode::device) b.mqtt_sockets = b.meter_sockets;
  b.http_connections = static_cast<std::uint64_t>(std::max<std::int64_t>(cfg.http.max_connections, 0));
  return b;
}

std::optional<std::string> fd_budget_problem(const FdBudget& b, std::uint64_t limit) {
  if (b.total() <= limit) return std::nullopt;
  std::string parts = std::to_string(b.meter_sockets) + " meter sockets, ";
  if (b.mqtt_sockets > 0) parts += std::to_string(b.mqtt_sockets) + " MQTT device connections, ";
  parts += std::to_string(b.http_connections) + " HTTP connections ([http] max_connections), " +
           std::to_string(b.reserve) + " for the store, MQTT, logs and listeners";
  return std::to_string(b.meter_sockets) + " meters need up to " + std::to_string(b.total()) + " open files (" + parts +
         "), but the limit is " + std::to_string(limit) +
         ": raise LimitNOFILE= in the systemd unit (or ulimit -n), lower [http] max_connections, or split the "
         "fleet over instances with [bridge] shard";
}

}  // namespace bridge::app
