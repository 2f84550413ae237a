#pragma once
// The one-line service state that `systemctl status dlms-bridge` shows (STATUS=):
// "meters up 3/5, MQTT connected, outbox 0".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bridge/poller/fleet.h"

namespace bridge::app {

struct MqttState {
  bool connected = false;
  std::int64_t outbox = 0;
};

// A meter is up when it is not paused and its last success is at most three intervals old
// (the same rule as the health endpoint). `mqtt` is empty when [mqtt] enabled = false.
std::string service_status_line(const std::vector<poller::MeterStatus>& meters, std::optional<MqttState> mqtt,
                                std::int64_t now_ms);

}  // namespace bridge::app
