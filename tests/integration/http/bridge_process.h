#pragma once
// The real `dlms-bridge run` on a free loopback port, MQTT off, two meters (m1, m2) at a
// loopback port where nothing listens: the HTTP side is what these tests attack, and the
// meters' cached status is enough for /api/v1/meters/m1 to answer 200.
#include <memory>
#include <string>

#include "testing/process.h"

namespace http_it {

struct BridgeOptions {
  bool tls = false;
  bool basic_auth = false;     // user "prometheus", password "s3cret"
  std::string extra_http;      // more [http] lines
};

class BridgeProcess {
 public:
  explicit BridgeProcess(BridgeOptions options = {});
  ~BridgeProcess();

  int port() const { return port_; }
  bool tls() const { return options_.tls; }
  // Authorization header line for the configured user ("" without basic auth).
  std::string auth_header() const;
  bool running() { return child_ && child_->running(); }
  std::string log() const { return child_ ? child_->log() : std::string(); }
  testing_support::Child& child() { return *child_; }

 private:
  BridgeOptions options_;
  testing_support::TempDir dir_;
  int port_ = 0;
  std::unique_ptr<testing_support::Child> child_;
};

}  // namespace http_it
