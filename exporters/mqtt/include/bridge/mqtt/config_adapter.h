#pragma once
// [mqtt] and [[meter]] (bridge::config) -> the exporter's plain options.
#include <string>

#include "bridge/config/config.h"
#include "bridge/mqtt/meter_info.h"
#include "bridge/mqtt/options.h"

namespace bridge::mqtt {

// instance: [bridge] instance (default client id when [mqtt] client_id is empty). A token, when
// set, is the MQTT user name (ThingsBoard) and wins over username/password.
Options options_from_config(const bridge::config::MqttConfig& mqtt, const std::string& instance);

// What on_meter_added() needs: device name, address, register keys, poll interval, device token.
MeterInfo meter_info_from_config(const bridge::config::MeterConfig& meter);

}  // namespace bridge::mqtt
