#pragma once
// Plain options of the MQTT exporter. The service maps [mqtt] (bridge::config::MqttConfig) onto
// this in config_adapter.h; tests and benchmarks fill it directly.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bridge::mqtt {

using namespace std::chrono_literals;

enum class Mode {
  gateway,  // ThingsBoard gateway API: one connection, v1/gateway/{connect,attributes,telemetry}
  device,   // ThingsBoard device API: one connection per meter (its device token), v1/devices/me/telemetry
  topic,    // plain broker: topic_template per meter, {ts, values} payload
};
constexpr std::string_view to_label(Mode m) {
  switch (m) {
    case Mode::gateway: return "gateway";
    case Mode::device: return "device";
    case Mode::topic: return "topic";
  }
  return "gateway";
}

enum class Protocol { v311, v5 };

struct TlsOptions {
  bool enabled = false;
  std::string ca_file;    // PEM bundle that signs the broker's certificate
  std::string cert_file;  // client certificate (optional, with key_file)
  std::string key_file;
};

struct Options {
  std::string host = "127.0.0.1";
  int port = 1883;
  Mode mode = Mode::gateway;
  // Must be unique per broker: two clients with one id knock each other off (docs/meters.md,
  // "code 7"). Empty: "<instance>" (device mode appends "-<meter>" per connection).
  std::string client_id;
  std::string instance = "dlms-bridge";
  Protocol protocol = Protocol::v311;
  std::chrono::seconds keepalive = 60s;
  bool clean_session = true;
  // username/password; a ThingsBoard access token goes in username with an empty password.
  std::string username;
  std::string password;
  TlsOptions tls;
  // Reconnect backoff: reconnect_min doubling up to reconnect_max, forever.
  std::chrono::milliseconds reconnect_min = 1s;
  std::chrono::milliseconds reconnect_max = 60s;

  std::string topic_template = "meters/{meter}/telemetry";  // topic mode; {meter} = device name
  std::string device_type = "DLMS Energy Meter";             // v1/gateway/connect "type"

  // In-flight window: at most this many unacknowledged PUBLISH per connection are handed to
  // libmosquitto (which keeps them in memory and resends them itself after a reconnect). The
  // outbox holds everything else, so memory stays bounded during any outage.
  std::size_t max_inflight = 100;
  // Gateway mode batches several readings into one telemetry message, up to both limits.
  std::size_t max_readings_per_message = 100;
  std::size_t max_payload_bytes = 65536;
  // Replay pace of the backlog (rows that were in the outbox at (re)connect or at start),
  // readings per second; live readings are not paced. 0 = unpaced.
  double replay_rate = 1000.0;
  // A message without PUBACK for this long while connected counts as
  // mqtt_publish_failures_total{reason="timeout"} and the connection is rebuilt: everything
  // unacknowledged is republished from the outbox.
  std::chrono::milliseconds ack_timeout = 30s;

  // Outbox caps (drop-oldest, counted per reason). 0 disables a cap.
  std::int64_t outbox_max_messages = 1'000'000;
  std::chrono::milliseconds outbox_max_age = std::chrono::hours(24 * 7);
  std::chrono::milliseconds caps_interval = 1s;  // how often caps are enforced

  // Readings waiting in memory for the next outbox transaction. on_reading never blocks: past
  // this bound a reading is dropped and counted as outbox_dropped_total{reason="store_error"}
  // (only reachable when SQLite stalls for a long time).
  std::size_t queue_capacity = 200'000;
  std::size_t insert_batch_max = 2000;  // readings per outbox transaction
};

}  // namespace bridge::mqtt
