#pragma once
// What a reload (SIGHUP, POST /-/reload) changed, so the poller restarts only the sessions whose
// connection changed and applies everything else in place.
#include <string>
#include <vector>

#include "bridge/config/config.h"

namespace bridge::config {

// Same TCP target, transport, addressing and credentials: an open association stays valid.
bool same_connection(const MeterConfig& a, const MeterConfig& b);
// Same register list (keys, OBIS, class, attribute, unit overrides, in order) and load profiles.
bool same_registers(const MeterConfig& a, const MeterConfig& b);
// Same effective QoS.
bool same_qos(const MeterConfig& a, const MeterConfig& b);
// Everything equal (connection, registers, qos, enabled, device name and token).
bool same_meter(const MeterConfig& a, const MeterConfig& b);

struct MeterDiff {
  std::vector<std::string> added;               // ids only in the new config
  std::vector<std::string> removed;             // ids only in the old config
  std::vector<std::string> connection_changed;  // reconnect needed (cause config_reload)
  std::vector<std::string> settings_changed;    // registers/qos/enabled/device: apply in place
  bool empty() const {
    return added.empty() && removed.empty() && connection_changed.empty() && settings_changed.empty();
  }
};

// Ids in each list keep the order of the config that has them.
MeterDiff diff_meters(const Config& before, const Config& after);

}  // namespace bridge::config
