// [mqtt]: broker, ThingsBoard mode and credentials, TLS, reconnect backoff and the outbox caps.
// Private to the loader (readers.h).
#include "readers.h"

namespace bridge::config::detail {

void read_mqtt(TableReader& r, MqttConfig& m) {
  r.boolean("enabled", m.enabled);
  r.string("host", m.host);
  r.integer_as("port", m.port, 1, 65535);
  r.enumeration("mode", m.mode,
                {{"gateway", MqttMode::gateway}, {"device", MqttMode::device}, {"topic", MqttMode::topic}});
  if (r.string("topic_template", m.topic_template)) {
    if (m.topic_template.find_first_of("+#") != std::string::npos) {
      r.problem("topic_template", "must not contain MQTT wildcards '+' or '#'");
    }
  }
  if (m.mode == MqttMode::topic && m.topic_template.find("{meter}") == std::string::npos) {
    r.problem(r.has("topic_template") ? "topic_template" : "mode",
              "topic mode needs \"{meter}\" in topic_template, or every meter would share one topic");
  }
  r.string("client_id", m.client_id);
  r.string("username", m.username);
  r.secret("password", "password_file", m.password);
  const toml::node* token = r.secret("token", "token_file", m.token);
  if (token != nullptr && r.has("username")) {
    r.problem_at(*token, r.has("token") ? "token" : "token_file",
                 "a ThingsBoard token is sent as the MQTT username: set either username or token");
  }
  if (r.duration("keepalive", m.keepalive, DurationRule::positive)) {
    if (m.keepalive.count() % 1000 != 0 || m.keepalive > std::chrono::seconds(65535)) {
      r.problem("keepalive", "must be a whole number of seconds between 1s and 65535s");
    }
  }
  r.boolean("clean_session", m.clean_session);
  r.enumeration("protocol", m.protocol, {{"3.1.1", MqttProtocol::v311}, {"5", MqttProtocol::v5}});
  if (const toml::table* t = r.table("tls")) {
    TableReader tr(*t, "[mqtt.tls]", r.diag(), r.base_dir());
    MqttTls tls;
    tr.file_path("ca_file", tls.ca_file, true);
    tr.file_path("cert_file", tls.cert_file, true);
    tr.file_path("key_file", tls.key_file, true);
    if (tr.has("cert_file") != tr.has("key_file")) {
      tr.problem(tr.has("cert_file") ? "cert_file" : "key_file", "cert_file and key_file go together");
    }
    tr.finish();
    m.tls = tls;
  }
  r.duration("reconnect_min", m.reconnect_min, DurationRule::positive);
  r.duration("reconnect_max", m.reconnect_max, DurationRule::positive);
  if (m.reconnect_max < m.reconnect_min) {
    r.problem(r.has("reconnect_max") ? "reconnect_max" : "reconnect_min",
              "reconnect_max (" + format_duration(m.reconnect_max) + ") is below reconnect_min (" +
                  format_duration(m.reconnect_min) + ")");
  }
  r.integer_as("outbox_max_messages", m.outbox_max_messages, 1, 1'000'000'000);
  r.optional_duration("outbox_max_age", m.outbox_max_age, DurationRule::positive);
  r.number("replay_rate", m.replay_rate, 0.0, 1'000'000.0, true);
  r.integer_as("max_payload_bytes", m.max_payload_bytes, 1024, 268'435'455);
  r.string("device_type", m.device_type);
  r.integer_as("qos", m.qos, 1, 1);
  r.finish();
}

}  // namespace bridge::config::detail
