#pragma once
// A scripted MeterConnection for session/fleet tests: each fake meter decides, per call, what open()
// and read() return and how long they take; the test changes the script while the fleet runs.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bridge/poller/meter_connection.h"

namespace bridge::poller::testing {

struct FakeMeter {
  // What the next open()/read() returns. Defaults: success, value 230.
  std::function<Result<void, ConnectionError>(const Credential&)> on_open;
  std::function<Result<ReadValue, ConnectionError>(const config::RegisterConfig&)> on_read;
  // Called inside read() before it answers: lets a test report HDLC errors through the observer.
  std::function<void(const ConnectionObserver&)> during_read;
  Duration open_latency{0};
  Duration read_latency{0};

  int opens = 0;          // open() calls
  int open_ok = 0;        // successful opens
  int closes = 0;         // close() calls on an open connection (DISC)
  int reads = 0;
  int cancels = 0;
  bool is_open = false;   // the current connection's association
  std::vector<std::uint8_t> client_saps;  // per open()
  std::vector<std::string> hosts;         // per open()
};

class FakeConnections {
 public:
  FakeMeter& meter(const std::string& id) {
    auto& p = meters_[id];
    if (!p) p = std::make_shared<FakeMeter>();
    return *p;
  }
  ConnectionFactory factory();

 private:
  std::map<std::string, std::shared_ptr<FakeMeter>> meters_;
};

ConnectionError error(labels::PollFailure reason, std::string message = "scripted failure", bool fatal = true);

}  // namespace bridge::poller::testing
