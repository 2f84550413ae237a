#include "service_status.h"

#include <algorithm>

namespace bridge::app {

std::string service_status_line(const std::vector<poller::MeterStatus>& meters, std::optional<MqttState> mqtt,
                                std::int64_t now_ms) {
  std::size_t up = 0, paused = 0;
  for (const auto& m : meters) {
    if (m.paused) {
      ++paused;
      continue;
    }
    if (m.last_success_ms > 0 && now_ms - m.last_success_ms <= 3 * std::max<std::int64_t>(m.interval_ms, 1000)) ++up;
  }
  std::string line = "meters up " + std::to_string(up) + "/" + std::to_string(meters.size());
  if (paused > 0) line += " (" + std::to_string(paused) + " paused)";
  if (!mqtt) return line + ", MQTT disabled";
  line += mqtt->connected ? ", MQTT connected" : ", MQTT disconnected";
  return line + ", outbox " + std::to_string(mqtt->outbox);
}

}  // namespace bridge::app
