#include "bridge/mqtt/config_adapter.h"

namespace bridge::mqtt {

Options options_from_config(const bridge::config::MqttConfig& c, const std::string& instance) {
  Options o;
  o.host = c.host;
  o.port = c.port;
  switch (c.mode) {
    case bridge::config::MqttMode::gateway: o.mode = Mode::gateway; break;
    case bridge::config::MqttMode::device: o.mode = Mode::device; break;
    case bridge::config::MqttMode::topic: o.mode = Mode::topic; break;
  }
  o.topic_template = c.topic_template;
  o.instance = instance;
  o.client_id = c.client_id;
  if (!c.token.empty()) {
    o.username = c.token.reveal();
  } else {
    o.username = c.username;
    o.password = c.password.reveal();
  }
  o.keepalive = std::chrono::duration_cast<std::chrono::seconds>(c.keepalive);
  o.clean_session = c.clean_session;
  o.protocol = c.protocol == bridge::config::MqttProtocol::v5 ? Protocol::v5 : Protocol::v311;
  if (c.tls) {
    o.tls.enabled = true;
    o.tls.ca_file = c.tls->ca_file.string();
    o.tls.cert_file = c.tls->cert_file.string();
    o.tls.key_file = c.tls->key_file.string();
  }
  o.reconnect_min = c.reconnect_min;
  o.reconnect_max = c.reconnect_max;
  o.outbox_max_messages = static_cast<std::int64_t>(c.outbox_max_messages);
  o.outbox_max_age = c.outbox_max_age.value_or(std::chrono::milliseconds(0));
  o.replay_rate = c.replay_rate;
  o.max_payload_bytes = c.max_payload_bytes;
  o.device_type = c.device_type;
  return o;
}

MeterInfo meter_info_from_config(const bridge::config::MeterConfig& m) {
  MeterInfo info;
  info.id = m.id;
  info.device_name = m.device_name;
  info.host = m.host;
  info.port = m.port;
  for (const auto& r : m.registers) info.registers.push_back(r.key);
  info.interval = m.qos.poll_interval;
  info.device_token = m.device_token.reveal();
  return info;
}

}  // namespace bridge::mqtt
