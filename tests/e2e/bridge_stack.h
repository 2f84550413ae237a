#pragma once
// A whole deployment on loopback for end-to-end tests: mosquitto, dlms-meter-sim (fleet on one
// port, control endpoint), dlms-bridge run with a generated config. Everything is stopped when
// the stack goes out of scope; logs() collects every process's output for failure messages.
#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "testing/process.h"

namespace e2e {

struct StackOptions {
  int meters = 3;
  std::string poll_interval = "1s";
  std::string request_timeout = "1s";
  std::string extra_http;          // extra lines appended to [http]
  std::string extra_qos;           // extra lines appended to [qos]
  std::string extra_config;        // extra TOML appended at the end (after the meters)
  std::string sim_scenario;        // scenario TOML text (empty: none)
  bool mqtt = true;
  int http_ports = 1;               // consecutive HTTP ports (sharded instances listen on port + index)
  // mosquitto keeps sessions and queued messages across stop_broker()/start_broker(), without a
  // queue limit: a persistent subscriber then misses nothing of an outage (reliability suite).
  bool broker_persistence = false;
  // RLIMIT_NOFILE (soft and hard) of the bridge process, through prlimit(1); 0: inherited.
  int open_files_limit = 0;
};

class BridgeStack {
 public:
  explicit BridgeStack(StackOptions options = {});
  ~BridgeStack();

  // Starts mosquitto and the simulator (and not the bridge); start_bridge() then starts it.
  void start_bridge();
  bool wait_ready(std::chrono::milliseconds timeout = std::chrono::seconds(20));

  int http_port() const { return http_port_; }
  int mqtt_port() const { return mqtt_port_; }
  int sim_port() const { return sim_port_; }
  int sim_control_port() const { return sim_control_port_; }
  const std::filesystem::path& config_path() const { return config_path_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  testing_support::Child& bridge() { return bridge_; }
  // Stops / starts the broker on the same port (outage tests).
  void stop_broker();
  void start_broker();
  // Stops the simulator (SIGTERM) and returns its exit code: no new readings after it.
  int stop_simulator();

  std::string config_text(const std::vector<int>& meters) const;
  void write_config(const std::vector<int>& meters);

  testing_support::HttpResponse get(const std::string& path) const;
  testing_support::HttpResponse post(const std::string& path) const;
  nlohmann::json sim(const std::string& method, const std::string& path, const std::string& body = {}) const;
  std::string metrics() const { return get("/metrics").body; }
  // Value of one sample line of /metrics ("name{labels}"), nullopt when absent.
  std::optional<double> metric(const std::string& series) const;

  std::string logs();

 private:
  StackOptions options_;
  testing_support::TempDir dir_;
  std::filesystem::path config_path_;
  int http_port_ = 0, mqtt_port_ = 0, sim_port_ = 0, sim_control_port_ = 0;
  testing_support::Child mosquitto_, sim_, bridge_;
};

// Parses "key=value" tokens of the simulator's listening line.
std::map<std::string, std::string> parse_listening_line(const std::string& log);

}  // namespace e2e
