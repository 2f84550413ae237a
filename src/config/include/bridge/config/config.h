#pragma once
// The configuration of one dlms-bridge instance (docs/contract.md, "Configuration").
//
// Loading gives either a fully resolved Config (defaults applied, secrets read from *_file keys,
// register sets expanded, per-meter QoS merged) or EVERY problem found, each with file:line:col.
// Consumers never look at TOML: the poller takes MeterConfig (with .qos already effective), the
// MQTT exporter MqttConfig, the HTTP server HttpConfig, the store StoreConfig.
//
// Defaults are the previous system's numbers (docs/meters.md), bugs
// excluded; config/production.example.toml documents every key with its default.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/config/duration.h"
#include "bridge/config/obis.h"
#include "bridge/config/profile.h"
#include "bridge/config/secret.h"
#include "bridge/config/shard.h"
#include "bridge/result.h"

namespace bridge::config {

using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------
// [bridge]

struct BridgeConfig {
  // Names this instance: default MQTT client id, build_info/landing page. Must be unique per
  // broker (two clients with one id knock each other off: the old "MQTT code 7" storms).
  std::string instance = "dlms-bridge";
  // Directory for runtime state (the store lives here unless [store] path says otherwise).
  // Relative paths are relative to the working directory of the process.
  std::filesystem::path state_dir = "state";
  // trace|debug|info|warn|error|critical|off; the --log-level flag wins when given.
  std::string log_level = "info";
  // "i/N": this instance polls only the meters of shard i of N (bridge/config/shard.h). The
  // --shard flag and DLMS_BRIDGE_SHARD win over it. nullopt = the whole fleet.
  std::optional<Shard> shard;
  // Sharded instances on one host need distinct HTTP ports: listen port + shard index.
  bool shard_port_offset = false;
  // A config without any [[meter]] is an error unless this says so: an empty or truncated file
  // (an editor that truncates before writing) must never load as "no meters" and wipe the fleet.
  // With it, health stays ok without meters.
  bool allow_no_meters = false;
  // A reload that would stop more than half of the running meters is refused unless this is set
  // (or the operator confirms with POST /-/reload?confirm=remove-meters).
  bool allow_mass_removal = false;
};

// ---------------------------------------------------------------------------------------------
// [http]  (TLS and basic-auth keys are those of the Prometheus exporter-toolkit web config)

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string to_string() const;  // "host:port", IPv6 hosts in brackets
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// exporter-toolkit client_auth_type values, same spelling.
enum class ClientAuthType {
  NoClientCert,
  RequestClientCert,
  RequireAnyClientCert,
  VerifyClientCertIfGiven,
  RequireAndVerifyClientCert,
};
std::string_view to_string(ClientAuthType v);

// exporter-toolkit min_version values. TLS10/TLS11 are refused (the HTTP server does not offer
// them), so check-config rejects them rather than the server failing at start-up.
enum class TlsVersion { TLS12, TLS13 };
std::string_view to_string(TlsVersion v);

struct TlsServerConfig {
  std::filesystem::path cert_file;  // resolved against the config file's directory
  std::filesystem::path key_file;
  ClientAuthType client_auth_type = ClientAuthType::NoClientCert;
  std::filesystem::path client_ca_file;  // required when client certificates are verified
  TlsVersion min_version = TlsVersion::TLS12;
  friend bool operator==(const TlsServerConfig&, const TlsServerConfig&) = default;
};

struct HttpConfig {
  Endpoint listen{"127.0.0.1", 9947};
  // Trend window of the status page, GET /api/v1/summary and `ctl` (60 buckets over it).
  Duration status_window = std::chrono::hours(1);
  // Bearer token for mutating endpoints (POST /-/reload, pause/resume/test). Empty = no check.
  Secret token;
  std::optional<TlsServerConfig> tls_server_config;  // [http.tls_server_config]
  // [http.basic_auth_users] user = "bcrypt hash" (the hash is treated as a secret too).
  std::map<std::string, Secret> basic_auth_users;
  // Leave /-/healthy reachable without basic auth (liveness probes, systemd watchdogs).
  bool healthy_without_auth = true;
  // Export readings as Prometheus gauges (label meter, obis) besides the QoS metrics.
  bool readings_enabled = true;
  // Series budget (exporters/prometheus/README.md): /metrics serves only the families whose name
  // fully matches one of metric_allowlist's patterns, or none of metric_denylist's (ECMAScript
  // regular expressions; at most one list).
  std::vector<std::string> metric_allowlist;
  std::vector<std::string> metric_denylist;
  // false: the per-meter families broken down by reason/cause/kind/watchdog are served per
  // meter only, summed (large fleets).
  bool per_meter_breakdown = true;
  // Connection hardening (one worker thread per connection): open connections beyond
  // max_connections are closed at once; a connection must send its request header (TLS
  // handshake included) within read_header_timeout, and its next request within idle_timeout.
  std::int64_t max_connections = 512;
  Duration read_header_timeout = 5s;
  Duration idle_timeout = 30s;
};

// ---------------------------------------------------------------------------------------------
// [mqtt]

enum class MqttMode {
  gateway,  // ThingsBoard gateway API: v1/gateway/connect + v1/gateway/telemetry, one connection
  device,   // ThingsBoard device API: v1/devices/me/telemetry with the meter's device token
  topic,    // plain broker: topic_template per meter, {ts, values} payload
};
std::string_view to_string(MqttMode v);

enum class MqttProtocol { v311, v5 };  // config spelling: "3.1.1" | "5"
std::string_view to_string(MqttProtocol v);

struct MqttTls {
  std::filesystem::path ca_file;    // resolved against the config file's directory
  std::filesystem::path cert_file;  // client certificate (optional, with key_file)
  std::filesystem::path key_file;
  friend bool operator==(const MqttTls&, const MqttTls&) = default;
};

struct MqttConfig {
  bool enabled = true;
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  MqttMode mode = MqttMode::gateway;
  // Topic mode only; "{meter}" is replaced by the meter id (device_name).
  std::string topic_template = "meters/{meter}/telemetry";
  // Resolved: defaults to [bridge] instance.
  std::string client_id;
  std::string username;
  Secret password;
  // ThingsBoard access token (gateway device token in gateway mode); sent as the MQTT username.
  Secret token;
  Duration keepalive = 60s;
  bool clean_session = true;
  MqttProtocol protocol = MqttProtocol::v311;
  std::optional<MqttTls> tls;   // [mqtt.tls]
  Duration reconnect_min = 1s;  // broker reconnect backoff, doubling up to reconnect_max
  Duration reconnect_max = 60s;
  // Outbox bound (SQLite rows). A reading is stored before it is published and deleted on
  // PUBACK; beyond this the oldest rows are dropped and counted (outbox_dropped_total{reason}).
  // 1 000 000 rows is ~200 MB and covers ~1.4 h of a 1000-meter fleet polled every 5 s.
  std::uint64_t outbox_max_messages = 1'000'000;
  // Rows older than this are dropped on replay (nullopt = keep until the row limit).
  std::optional<Duration> outbox_max_age = std::chrono::hours(24 * 7);
  // Replay pace after a reconnect, messages per second (old system: 10 ms = 100/s, too slow to
  // ever catch up with a large fleet).
  double replay_rate = 1000.0;
  // Largest PUBLISH payload; gateway batches are split below it (ThingsBoard default 64 KiB).
  std::uint32_t max_payload_bytes = 65536;
  // ThingsBoard device type for v1/gateway/connect.
  std::string device_type = "DLMS Energy Meter";
  int qos = 1;  // fixed: QoS 1 with PUBACK accounting; the key exists only to reject other values
};

// ---------------------------------------------------------------------------------------------
// [store]

struct StoreConfig {
  // SQLite database (WAL). Default: <bridge.state_dir>/dlms-bridge.db = "state/dlms-bridge.db".
  std::filesystem::path path;
};

// ---------------------------------------------------------------------------------------------
// [qos] fleet defaults; every key may be overridden inside a [[meter]] entry.

// What the bridge does with the meter's clock (0-0:1.0.0, class 8).
enum class ClockMode {
  off,      // never read it
  monitor,  // read it every clock_check_every cycles, export the offset
  sync,     // monitor, and SET it when the offset exceeds clock_max_offset (bounded steps)
};
std::string_view to_string(ClockMode v);

struct QosConfig {
  // Fixed-rate schedule: next poll = start of previous + poll_interval (no drift, no overlap).
  Duration poll_interval = 5s;
  // A slot whose cycle starts later than this after the slot's time counts as missed
  // (dlms_bridge_meter_poll_slots_missed_total). nullopt: a tenth of poll_interval.
  std::optional<Duration> max_start_lateness;
  Duration start_lateness_limit() const { return max_start_lateness ? *max_start_lateness : poll_interval / 10; }
  // Deadline of each request/response step (SNRM, AARQ, each GET, ...).
  Duration request_timeout = 7s;
  // request_timeout = "auto": each step's deadline follows the meter's measured response times
  // (p99 x 3 of the recent ones, clamped to [request_timeout_min, request_timeout_max];
  // request_timeout_max until enough have been measured). request_timeout is then unused.
  bool request_timeout_auto = false;
  Duration request_timeout_min = 1s;
  Duration request_timeout_max = 30s;
  // TCP connect deadline.
  Duration connect_timeout = 7s;
  // Attempts per connect round (TCP + SNRM + AARQ) before backing off.
  std::uint32_t connect_attempts = 3;
  // Wait between rounds of failed connects: initial * multiplier^n, capped, +/- jitter fraction.
  Duration backoff_initial = 2s;
  double backoff_multiplier = 2.0;
  Duration backoff_max = 5min;
  double backoff_jitter = 0.1;  // 0..1, fraction of the wait added or removed at random
  // Settle time before any reconnect (old system: 1.5 s).
  Duration reconnect_settle = 1500ms;
  // Wait at least this long after a failed association before the next attempt (the meter
  // keeps the old association for a while: "wait 10-15 s between attempts").
  Duration inter_attempt_wait = 10s;
  // Per-register read retry: count and delay.
  std::uint32_t read_retries = 1;
  Duration read_retry_delay = 300ms;
  // DISC -> UA wait before closing TCP.
  Duration disc_timeout = 2s;
  // After TCP connect, discard unsolicited bytes until this much silence.
  Duration drain_on_connect = 200ms;
  // Keep-alive read when the association has been idle this long (meter drops it at 180 s).
  // nullopt ("off") disables.
  std::optional<Duration> keepalive_idle = 120s;
  // Circuit breaker: breaker_max_reconnects within breaker_window -> stop for breaker_open.
  std::uint32_t breaker_max_reconnects = 10;
  Duration breaker_window = 1h;
  Duration breaker_open = 5min;
  // Watchdogs.
  Duration silence_timeout = 10min;                  // no successful cycle -> reconnect + alert
  std::uint32_t max_consecutive_hdlc_errors = 15;    // 0 = off
  std::uint32_t max_consecutive_failed_cycles = 10;  // 0 = off
  // Optional preventive reconnect: by connection age (nullopt = off) and every N reads (0 = off).
  std::optional<Duration> reconnect_max_age;
  std::uint32_t reconnect_every_reads = 0;
  // Same event (meter, category) is recorded at most once per event_throttle.
  Duration event_throttle = 5min;
  // Failover ([[meter]] endpoints): how long the session stays on an alternative endpoint
  // before it tries the primary again.
  Duration failover_holdback = 30min;
  // The meter's clock: checked on the first cycle of every association and then every
  // clock_check_every cycles; in sync mode set when the offset exceeds clock_max_offset, by at
  // most clock_max_step per check (a large jump would tear the meter's load profile).
  ClockMode clock = ClockMode::monitor;
  std::uint32_t clock_check_every = 60;
  Duration clock_max_offset = 10s;
  Duration clock_max_step = 5min;

  friend bool operator==(const QosConfig&, const QosConfig&) = default;
};

// Fleet-level limits, also in [qos] but not overridable per meter.
struct FleetLimits {
  // Meter sessions connecting or exchanging at the same time (0 = unlimited).
  std::uint32_t max_concurrent_sessions = 256;
  // New TCP connections per second across the fleet; spreads a reconnect storm after a
  // network outage (0 = unlimited).
  double connect_rate = 50.0;
  friend bool operator==(const FleetLimits&, const FleetLimits&) = default;
};

// ---------------------------------------------------------------------------------------------
// Registers

struct RegisterConfig {
  std::string key;  // MQTT telemetry key, e.g. "voltage_l1"
  ObisCode obis;
  std::uint16_t class_id = 3;  // config key "class"; 3 = Register
  std::int8_t attribute = 2;   // 2 = value
  // Unit label overriding the meter's scaler_unit (e.g. "V"); nullopt = from the meter.
  std::optional<std::string> unit;
  friend bool operator==(const RegisterConfig&, const RegisterConfig&) = default;
};

// Name of the built-in register set: the five Microstar registers on channel B=1.
inline constexpr std::string_view kDefaultRegisterSet = "default";
// voltage_l1 1-1:32.7.0, current_l1 1-1:31.7.0, frequency 1-1:14.7.0, active_power 1-1:1.7.0,
// active_energy 1-1:1.8.0 (all class 3, attribute 2).
const std::vector<RegisterConfig>& default_registers();

// ---------------------------------------------------------------------------------------------
// [[meter]]

enum class Transport { hdlc, wrapper };  // raw HDLC over TCP | IEC 62056-47 wrapper
std::string_view to_string(Transport v);

enum class Auth { none, low, hls_gmac };  // no security | LLS password | HLS-GMAC (security suite 0)
std::string_view to_string(Auth v);

// Another client SAP / password pair to try when the association is rejected
// (Microstar labels: 1/"22222222", 32/"11111111", 17/"00000000", 16 public without password).
struct Credential {
  std::uint8_t client_sap = 16;
  Secret password;  // empty = auth none
  friend bool operator==(const Credential&, const Credential&) = default;
};

struct MeterConfig {
  std::string id;           // unique; metric label `meter`
  std::string device_name;  // resolved: ThingsBoard device name, defaults to id
  std::string host;
  std::uint16_t port = 3333;  // Microstar TCP module port
  // Alternative ways to the same meter (e.g. a cellular modem beside the Ethernet module), tried
  // in order when host:port fails at connect; qos.failover_holdback later the primary again.
  std::vector<Endpoint> endpoints;
  Transport transport = Transport::hdlc;
  std::uint8_t client_sap = 1;
  std::uint16_t server_logical = 0;
  std::uint16_t server_physical = 1;
  std::uint8_t address_size = 1;  // 1 | 2 | 4 bytes
  Auth auth = Auth::none;
  Secret password;  // LLS password (1..16 bytes), inline or from password_file
  std::vector<Credential> credential_alternatives;
  // HLS-GMAC (auth = "hls_gmac"): our system title (16 hex digits, upper case) and the keys
  // (32 hex digits each), read only from block_cipher_key_file / authentication_key_file.
  std::string system_title;
  Secret block_cipher_key;
  Secret authentication_key;
  std::filesystem::path block_cipher_key_file;
  std::filesystem::path authentication_key_file;
  std::string security_policy = "authenticated_encrypted";  // | "authenticated" | "encrypted"
  std::string invocation_counter_obis;  // "" = not read from the meter (e.g. "0-0:43.1.0")
  // How requests are ciphered: "glo" (the service-specific glo- tags) | "general_glo"
  // (general-glo-ciphering, DB, carrying our system title), as the meter demands.
  std::string ciphering = "glo";
  std::string register_set;               // name it was built from ("" when inline only)
  std::vector<RegisterConfig> registers;  // resolved: register set + inline [[meter.register]]
  std::vector<ProfileConfig> profiles;    // [[meter.profile]]: load profiles to backfill from
  bool enabled = true;
  // Send RLRQ and wait for RLRE before DISC (COSEM A-RELEASE). The Microstar has none: off.
  bool release = false;
  Secret device_token;  // device mode: this meter's ThingsBoard token
  QosConfig qos;        // resolved: [qos] merged with this meter's overrides
  int line = 0;         // where the [[meter]] entry starts (for messages)
};

// ---------------------------------------------------------------------------------------------

struct Config {
  std::filesystem::path source;  // the file it was loaded from (or the source name)
  std::string source_text;       // the exact text it was parsed from (the config history hashes it)
  BridgeConfig bridge;
  HttpConfig http;
  MqttConfig mqtt;
  StoreConfig store;
  QosConfig qos;  // fleet defaults (already merged into every MeterConfig::qos)
  FleetLimits fleet;
  // Named register sets, including the built-in "default" (a file may redefine it).
  std::map<std::string, std::vector<RegisterConfig>> register_sets;
  std::vector<MeterConfig> meters;
  // Set by place_on_shard: the shard this config was cut to, and the fleet's size before the cut.
  std::optional<Shard> active_shard;
  std::size_t fleet_meter_count = 0;

  const MeterConfig* find_meter(std::string_view id) const;
};

struct ConfigError {
  std::string file;
  int line = 0;    // 1-based; 0 when the problem has no position (e.g. unreadable file)
  int column = 0;  // 1-based
  std::string message;
  // "FILE:LINE:COL: message" (or "FILE: message" without a position).
  std::string to_string() const;
  friend bool operator==(const ConfigError&, const ConfigError&) = default;
};

using LoadResult = Result<Config, std::vector<ConfigError>>;

// Reads and validates a config file. Relative *_file paths (secrets, TLS files) are resolved
// against the directory of `path`.
LoadResult load_file(const std::filesystem::path& path);

// Same for text in memory; `source_name` appears in messages, `base_dir` resolves *_file paths
// (default: the current directory).
LoadResult load_string(std::string_view text, std::string_view source_name, const std::filesystem::path& base_dir = {});

}  // namespace bridge::config
