#pragma once
// A real prometheus-alertmanager running alerts/alertmanager.yml, its receivers re-pointed at
// loopback endpoints by alerts/tools/scaled-copy.py (and its timings scaled), on an ephemeral port.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>

#include "testing/process.h"

namespace alerts_test {

struct Endpoints {
  std::string smtp = "127.0.0.1:1";   // host:port of the SMTP server
  std::string sms = "http://127.0.0.1:1";  // base URL of the SNS-compatible endpoint / webhook sink
};

class Alertmanager {
 public:
  // Starts Alertmanager in `dir` (config, data and log go there). `scale` multiplies its timings.
  Alertmanager(const std::filesystem::path& dir, const Endpoints& endpoints, const std::string& scale = "1");

  int port() const { return port_; }
  std::string log() const { return child_.log(); }
  // POSTs alerts (a JSON array of {labels, annotations, startsAt?, endsAt?}) to /api/v2/alerts.
  testing_support::HttpResponse post_alerts(const nlohmann::json& alerts) const;
  nlohmann::json alerts() const;  // GET /api/v2/alerts

 private:
  int port_ = 0;
  testing_support::Child child_;
};

}  // namespace alerts_test
