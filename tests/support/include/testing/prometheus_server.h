#pragma once
// A real Prometheus for tests (dashboards, e2e scrapes, series budget): started on a 127.0.0.1
// ephemeral port with a generated configuration and its own TSDB in a temp dir, stopped when it
// goes out of scope.
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "testing/process.h"

namespace testing_support {

// The answer of /api/v1/query or /api/v1/query_range.
struct PromAnswer {
  bool ok = false;          // HTTP 200 and "status": "success"
  std::string error;        // Prometheus's error text (or the transport failure)
  nlohmann::json result = nlohmann::json::array();
};

class PrometheusServer {
 public:
  // `config` is prometheus.yml text; `{dir}` in it is replaced with the server's temp dir.
  explicit PrometheusServer(const std::string& config);
  ~PrometheusServer();
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;

  bool wait_ready(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  int port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::string log() const { return child_.log(); }

  PromAnswer query(const std::string& promql) const;
  // Range query over [start, end] (Unix seconds) at `step_seconds`.
  PromAnswer query_range(const std::string& promql, double start, double end, double step_seconds) const;

 private:
  PromAnswer get(const std::string& target) const;

  testing_support::TempDir dir_;
  int port_ = 0;
  testing_support::Child child_;
};

double unix_now();

// prometheus.yml scraping one target, 127.0.0.1:`port`, as job `job` every second (rules
// evaluated every second too).
std::string one_target_config(int port, const std::string& job = "dlms-bridge");

}  // namespace testing_support
