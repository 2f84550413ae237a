#pragma once
// Named readiness conditions for /-/ready ("config", "store", "exporters", ...). The app
// declares each condition as waiting when it starts and marks it ready when that part is up.
// Ready means: every declared condition is ready.
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace bridge::api {

class Readiness {
 public:
  // Declares (or resets) a condition as not ready, with the reason shown by /-/ready.
  void set_waiting(const std::string& name, std::string reason);
  void set_ready(const std::string& name);

  struct State {
    bool ready = true;
    std::vector<std::pair<std::string, std::string>> waiting;  // name, reason (sorted by name)
  };
  State state() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::pair<bool, std::string>> conditions_;
};

}  // namespace bridge::api
