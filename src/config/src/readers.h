#pragma once
// Readers of one part of the schema each, used by loader.cpp (which reads the sections and
// the [[meter]] entries and calls these for the parts that have grown their own rules).
#include <string>
#include <string_view>
#include <vector>

#include "bridge/config/config.h"
#include "table_reader.h"

namespace bridge::config::detail {

// Every overridable [qos] key present in `r` on top of `q` (fleet defaults, or the fleet values
// when `r` is a meter), then the combinations. A meter reports a bad combination only when it
// sets one of the keys itself (otherwise [qos] already reported it once).
void read_qos(TableReader& r, QosConfig& q, bool per_meter);

// [qos] keys that are fleet-wide only (rejected inside a [[meter]]).
const std::vector<std::string_view>& fleet_only_keys();
void read_fleet(TableReader& r, FleetLimits& f);

// [http] and [mqtt], each in its own file (http_reader.cpp, mqtt_reader.cpp).
void read_http(TableReader& r, HttpConfig& h);
void read_mqtt(TableReader& r, MqttConfig& m);

// A value quoted for a message: "value".
inline std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

// [[meter]] endpoints = ["host:port", ...]: the alternatives to host:port, in order.
void read_endpoints(TableReader& r, MeterConfig& m);

}  // namespace bridge::config::detail
