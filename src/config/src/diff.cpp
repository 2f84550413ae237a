// Reload diff: which meters need a new session and which only new settings.
#include "bridge/config/diff.h"

#include <map>

namespace bridge::config {

bool same_connection(const MeterConfig& a, const MeterConfig& b) {
  return a.host == b.host && a.port == b.port && a.endpoints == b.endpoints && a.transport == b.transport && a.client_sap == b.client_sap &&
         a.server_logical == b.server_logical && a.server_physical == b.server_physical &&
         a.address_size == b.address_size && a.auth == b.auth && a.password == b.password &&
         a.credential_alternatives == b.credential_alternatives && a.release == b.release &&
         a.system_title == b.system_title && a.block_cipher_key == b.block_cipher_key &&
         a.authentication_key == b.authentication_key && a.security_policy == b.security_policy &&
         a.ciphering == b.ciphering &&
         a.invocation_counter_obis == b.invocation_counter_obis;
}

bool same_registers(const MeterConfig& a, const MeterConfig& b) {
  return a.registers == b.registers && a.profiles == b.profiles;
}

bool same_qos(const MeterConfig& a, const MeterConfig& b) {
  return a.qos == b.qos;
}

bool same_meter(const MeterConfig& a, const MeterConfig& b) {
  return a.id == b.id && same_connection(a, b) && same_registers(a, b) && same_qos(a, b) && a.enabled == b.enabled &&
         a.device_name == b.device_name && a.device_token == b.device_token;
}

MeterDiff diff_meters(const Config& before, const Config& after) {
  MeterDiff d;
  std::map<std::string_view, const MeterConfig*> old_by_id;
  for (const auto& m : before.meters) old_by_id.emplace(m.id, &m);
  std::map<std::string_view, const MeterConfig*> new_by_id;
  for (const auto& m : after.meters) new_by_id.emplace(m.id, &m);

  for (const auto& m : after.meters) {
    auto it = old_by_id.find(m.id);
    if (it == old_by_id.end()) {
      d.added.push_back(m.id);
    } else if (!same_connection(*it->second, m)) {
      d.connection_changed.push_back(m.id);
    } else if (!same_meter(*it->second, m)) {
      d.settings_changed.push_back(m.id);
    }
  }
  for (const auto& m : before.meters) {
    if (!new_by_id.contains(m.id)) d.removed.push_back(m.id);
  }
  return d;
}

}  // namespace bridge::config
