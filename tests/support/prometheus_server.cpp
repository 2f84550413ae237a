#include "testing/prometheus_server.h"

#include <signal.h>

#include <cctype>
#include <cstdio>

namespace testing_support {

using namespace std::chrono_literals;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string one_target_config(int port, const std::string& job) {
  return "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: " + job +
         "\n    static_configs:\n      - targets: ['127.0.0.1:" + std::to_string(port) + "']\n";
}

PrometheusServer::PrometheusServer(const std::string& config) : port_(testing_support::free_port()) {
  std::string text = config;
  const std::string placeholder = "{dir}";
  for (auto pos = text.find(placeholder); pos != std::string::npos; pos = text.find(placeholder, pos)) {
    text.replace(pos, placeholder.size(), dir_.path().string());
  }
  testing_support::write_file(dir_ / "prometheus.yml", text);
  child_ = testing_support::Child({"prometheus", "--config.file=" + (dir_ / "prometheus.yml").string(),
                                   "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                   "--storage.tsdb.path=" + (dir_ / "data").string(), "--log.level=warn"},
                                  dir_ / "prometheus.log");
}

PrometheusServer::~PrometheusServer() {
  if (child_.pid() > 0) child_.stop(SIGTERM, 10s);
}

bool PrometheusServer::wait_ready(std::chrono::milliseconds timeout) {
  return testing_support::wait_until([&] { return testing_support::http("GET", port_, "/-/ready", {}, {}, 2s).status == 200; },
                                     timeout);
}

PromAnswer PrometheusServer::get(const std::string& target) const {
  PromAnswer answer;
  const auto r = testing_support::http("GET", port_, target, {}, {}, 10s);
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (body.is_discarded()) {
    answer.error = "HTTP " + std::to_string(r.status) + ": " + r.body;
    return answer;
  }
  answer.ok = r.status == 200 && body.value("status", "") == "success";
  answer.error = body.value("error", "");
  if (answer.ok) answer.result = body["data"]["result"];
  return answer;
}

PromAnswer PrometheusServer::query(const std::string& promql) const {
  return get("/api/v1/query?query=" + testing_support::url_encode(promql));
}

PromAnswer PrometheusServer::query_range(const std::string& promql, double start, double end, double step_seconds) const {
  char range[128];
  std::snprintf(range, sizeof range, "&start=%.3f&end=%.3f&step=%g", start, end, step_seconds);
  return get("/api/v1/query_range?query=" + testing_support::url_encode(promql) + range);
}

}  // namespace testing_support
