// Summary line and redacted JSON dump: the only printers of a whole config, and both mask
// every Secret (passwords, tokens, basic-auth hashes).
#include "bridge/config/summary.h"

#include <nlohmann/json.hpp>

namespace bridge::config {
namespace {

using nlohmann::json;

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

json secret(const Secret& s) {
  return s.to_string();
}

json optional_duration(const std::optional<Duration>& d) {
  return d ? json(format_duration(*d)) : json("off");
}

json qos_json(const QosConfig& q) {
  return json{
      {"poll_interval", format_duration(q.poll_interval)},
      {"max_start_lateness", q.max_start_lateness ? format_duration(*q.max_start_lateness) : std::string("auto")},
      {"request_timeout", q.request_timeout_auto ? std::string("auto") : format_duration(q.request_timeout)},
      {"request_timeout_min", format_duration(q.request_timeout_min)},
      {"request_timeout_max", format_duration(q.request_timeout_max)},
      {"connect_timeout", format_duration(q.connect_timeout)},
      {"connect_attempts", q.connect_attempts},
      {"backoff_initial", format_duration(q.backoff_initial)},
      {"backoff_multiplier", q.backoff_multiplier},
      {"backoff_max", format_duration(q.backoff_max)},
      {"backoff_jitter", q.backoff_jitter},
      {"reconnect_settle", format_duration(q.reconnect_settle)},
      {"inter_attempt_wait", format_duration(q.inter_attempt_wait)},
      {"read_retries", q.read_retries},
      {"read_retry_delay", format_duration(q.read_retry_delay)},
      {"disc_timeout", format_duration(q.disc_timeout)},
      {"drain_on_connect", format_duration(q.drain_on_connect)},
      {"keepalive_idle", optional_duration(q.keepalive_idle)},
      {"breaker_max_reconnects", q.breaker_max_reconnects},
      {"breaker_window", format_duration(q.breaker_window)},
      {"breaker_open", format_duration(q.breaker_open)},
      {"silence_timeout", format_duration(q.silence_timeout)},
      {"max_consecutive_hdlc_errors", q.max_consecutive_hdlc_errors},
      {"max_consecutive_failed_cycles", q.max_consecutive_failed_cycles},
      {"reconnect_max_age", optional_duration(q.reconnect_max_age)},
      {"reconnect_every_reads", q.reconnect_every_reads},
      {"event_throttle", format_duration(q.event_throttle)},
      {"failover_holdback", format_duration(q.failover_holdback)},
      {"clock", std::string(to_string(q.clock))},
      {"clock_check_every", q.clock_check_every},
      {"clock_max_offset", format_duration(q.clock_max_offset)},
      {"clock_max_step", format_duration(q.clock_max_step)},
  };
}

json registers_json(const std::vector<RegisterConfig>& regs) {
  json out = json::array();
  for (const auto& r : regs) {
    json j{{"key", r.key}, {"obis", r.obis.to_string()}, {"class", r.class_id}, {"attribute", r.attribute}};
    if (r.unit) j["unit"] = *r.unit;
    out.push_back(std::move(j));
  }
  return out;
}

json meter_json(const MeterConfig& mc) {
  json creds = json::array();
  for (const auto& c : mc.credential_alternatives) {
    creds.push_back(json{{"client_sap", c.client_sap}, {"password", secret(c.password)}});
  }
  json profiles = json::array();
  for (const auto& p : mc.profiles) {
    profiles.push_back(json{{"obis", p.obis.to_string()},
                            {"backfill", format_duration(p.backfill)},
                            {"interval", format_duration(p.interval)}});
  }
  json endpoints = json::array();
  for (const auto& ep : mc.endpoints) endpoints.push_back(ep.to_string());
  json meter{{"id", mc.id},
             {"device_name", mc.device_name},
             {"host", mc.host},
             {"port", mc.port},
             {"endpoints", endpoints},
             {"transport", std::string(to_string(mc.transport))},
             {"client_sap", mc.client_sap},
             {"server_logical", mc.server_logical},
             {"server_physical", mc.server_physical},
             {"address_size", mc.address_size},
             {"auth", std::string(to_string(mc.auth))},
             {"password", secret(mc.password)},
             {"credential_alternatives", creds},
             {"register_set", mc.register_set},
             {"registers", registers_json(mc.registers)},
             {"profile", profiles},
             {"enabled", mc.enabled},
             {"release", mc.release},
             {"device_token", secret(mc.device_token)},
             {"qos", qos_json(mc.qos)}};
  if (mc.auth == Auth::hls_gmac) {
    // The keys print as "<secret>" like every other secret; the system title is not one.
    meter["hls_gmac"] = json{{"system_title", mc.system_title},
                             {"block_cipher_key", secret(mc.block_cipher_key)},
                             {"authentication_key", secret(mc.authentication_key)},
                             {"block_cipher_key_file", mc.block_cipher_key_file.string()},
                             {"authentication_key_file", mc.authentication_key_file.string()},
                             {"security_policy", mc.security_policy},
                             {"ciphering", mc.ciphering},
                             {"invocation_counter_obis", mc.invocation_counter_obis}};
  }
  return meter;
}

}  // namespace

std::string summary_line(const Config& config) {
  std::size_t registers = 0;
  std::size_t disabled = 0;
  for (const auto& m : config.meters) {
    registers += m.registers.size();
    if (!m.enabled) ++disabled;
  }
  std::string line = config.source.string() + ": ok: " + plural(config.meters.size(), "meter", "meters");
  if (disabled > 0) line += " (" + std::to_string(disabled) + " disabled)";
  if (config.active_shard) {
    line += " on shard " + config.active_shard->to_string() + " (of " + std::to_string(config.fleet_meter_count) +
            " in the file)";
  }
  line += ", " + plural(registers, "register", "registers");
  if (config.mqtt.enabled) {
    line += ", mqtt " + std::string(to_string(config.mqtt.mode)) + " " +
            Endpoint{config.mqtt.host, config.mqtt.port}.to_string();
    if (config.mqtt.tls) line += " (tls)";
  } else {
    line += ", mqtt disabled";
  }
  line += ", http " + config.http.listen.to_string();
  if (config.http.tls_server_config) line += " (tls)";
  return line;
}

std::string to_redacted_json(const Config& config) {
  json users = json::object();
  for (const auto& [user, hash] : config.http.basic_auth_users) users[user] = secret(hash);
  json http{{"listen", config.http.listen.to_string()},
            {"status_window", format_duration(config.http.status_window)},
            {"token", secret(config.http.token)},
            {"basic_auth_users", users},
            {"healthy_without_auth", config.http.healthy_without_auth},
            {"readings_enabled", config.http.readings_enabled},
            {"max_connections", config.http.max_connections},
            {"read_header_timeout", format_duration(config.http.read_header_timeout)},
            {"idle_timeout", format_duration(config.http.idle_timeout)}};
  if (const auto& tls = config.http.tls_server_config) {
    http["tls_server_config"] = json{{"cert_file", tls->cert_file.string()},
                                     {"key_file", tls->key_file.string()},
                                     {"client_auth_type", std::string(to_string(tls->client_auth_type))},
                                     {"client_ca_file", tls->client_ca_file.string()},
                                     {"min_version", std::string(to_string(tls->min_version))}};
  }
  const MqttConfig& m = config.mqtt;
  json mqtt{{"enabled", m.enabled},
            {"host", m.host},
            {"port", m.port},
            {"mode", std::string(to_string(m.mode))},
            {"topic_template", m.topic_template},
            {"client_id", m.client_id},
            {"username", m.username},
            {"password", secret(m.password)},
            {"token", secret(m.token)},
            {"keepalive", format_duration(m.keepalive)},
            {"clean_session", m.clean_session},
            {"protocol", std::string(to_string(m.protocol))},
            {"reconnect_min", format_duration(m.reconnect_min)},
            {"reconnect_max", format_duration(m.reconnect_max)},
            {"outbox_max_messages", m.outbox_max_messages},
            {"outbox_max_age", optional_duration(m.outbox_max_age)},
            {"replay_rate", m.replay_rate},
            {"max_payload_bytes", m.max_payload_bytes},
            {"device_type", m.device_type},
            {"qos", m.qos}};
  if (m.tls) {
    mqtt["tls"] = json{{"ca_file", m.tls->ca_file.string()},
                       {"cert_file", m.tls->cert_file.string()},
                       {"key_file", m.tls->key_file.string()}};
  }
  json qos = qos_json(config.qos);
  qos["max_concurrent_sessions"] = config.fleet.max_concurrent_sessions;
  qos["connect_rate"] = config.fleet.connect_rate;

  json sets = json::object();
  for (const auto& [name, regs] : config.register_sets) sets[name] = registers_json(regs);

  json meters = json::array();
  for (const auto& mc : config.meters) meters.push_back(meter_json(mc));

  json root{{"source", config.source.string()},
            {"bridge",
             {{"instance", config.bridge.instance},
              {"state_dir", config.bridge.state_dir.string()},
              {"log_level", config.bridge.log_level},
              {"shard", config.active_shard ? json(config.active_shard->to_string()) : json(nullptr)}}},
            {"http", http},
            {"mqtt", mqtt},
            {"store", {{"path", config.store.path.string()}}},
            {"qos", qos},
            {"register_sets", sets},
            // Moved, not copied: at 10,000 meters the tree is ~100 MB.
            {"meters", std::move(meters)}};
  return root.dump(2);
}

std::string to_redacted_json(const MeterConfig& meter) { return meter_json(meter).dump(2); }

}  // namespace bridge::config
