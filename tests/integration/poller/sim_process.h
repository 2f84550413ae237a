#pragma once
// dlms-meter-sim as a child process for the poller's integration tests: started on ephemeral
// loopback ports, its listening line parsed, its control endpoint driven over HTTP.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "testing/process.h"

namespace poller_it {

class SimProcess {
 public:
  // `args` are added to --listen/--control; `port` 0 = ephemeral (else reuse, e.g. after an outage).
  explicit SimProcess(std::vector<std::string> args, int port = 0);
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  int port() const { return port_; }
  int control_port() const { return control_port_; }
  std::string log() const { return child_.log(); }
  void kill_hard() { child_.kill_hard(); }

  nlohmann::json get(const std::string& path) const;
  nlohmann::json post(const std::string& path, const nlohmann::json& body = nlohmann::json::object()) const;
  // Faults of one meter (sim meter ids are 1..N).
  void faults(int meter, const nlohmann::json& faults) const;
  void reset(int meter) const;
  bool associated(int meter) const;

 private:
  testing_support::TempDir dir_;
  testing_support::Child child_;
  int port_ = 0;
  int control_port_ = 0;
};

}  // namespace poller_it
