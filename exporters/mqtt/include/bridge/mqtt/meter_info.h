#pragma once
// What the exporter needs to know about a meter beyond its readings: the gateway announces it
// (v1/gateway/connect + v1/gateway/attributes) and device mode connects with its token.
#include <chrono>
#include <string>
#include <vector>

namespace bridge::mqtt {

struct MeterInfo {
  std::string id;           // meter id from config
  std::string device_name;  // ThingsBoard device name (empty: id)
  std::string host;         // meter address, published as a gateway attribute
  int port = 0;
  std::vector<std::string> registers;  // telemetry keys
  std::chrono::milliseconds interval{0};  // poll interval
  std::string device_token;  // device mode: this meter's ThingsBoard token (empty: shared credentials)

  const std::string& name() const { return device_name.empty() ? id : device_name; }
};

}  // namespace bridge::mqtt
