// The STATUS= line `systemctl status dlms-bridge` shows: meters up / total, MQTT state, outbox depth.
#include "service_status.h"

#include <gtest/gtest.h>

namespace {

using bridge::app::MqttState;
using bridge::app::service_status_line;
using bridge::poller::MeterStatus;

constexpr std::int64_t kNow = 1'800'000'000'000;

MeterStatus meter(std::int64_t last_success_ms, std::int64_t interval_ms = 5000, bool paused = false) {
  MeterStatus m;
  m.last_success_ms = last_success_ms;
  m.interval_ms = interval_ms;
  m.paused = paused;
  return m;
}

TEST(ServiceStatusTest, a_meter_is_up_while_its_last_reading_is_at_most_three_intervals_old) {
  std::vector<MeterStatus> meters{meter(kNow - 1000), meter(kNow - 15000), meter(kNow - 15001), meter(0)};
  EXPECT_EQ(service_status_line(meters, std::nullopt, kNow), "meters up 2/4, MQTT disabled");
}

TEST(ServiceStatusTest, paused_meters_are_counted_apart_and_never_up) {
  std::vector<MeterStatus> meters{meter(kNow - 1000), meter(kNow - 1000, 5000, true)};
  EXPECT_EQ(service_status_line(meters, std::nullopt, kNow), "meters up 1/2 (1 paused), MQTT disabled");
}

TEST(ServiceStatusTest, mqtt_state_and_outbox_depth) {
  std::vector<MeterStatus> meters{meter(kNow - 1000)};
  EXPECT_EQ(service_status_line(meters, MqttState{.connected = true, .outbox = 0}, kNow),
            "meters up 1/1, MQTT connected, outbox 0");
  EXPECT_EQ(service_status_line(meters, MqttState{.connected = false, .outbox = 1234}, kNow),
            "meters up 1/1, MQTT disconnected, outbox 1234");
}

}  // namespace
