#include "sim_process.h"

#include <gtest/gtest.h>

#include <regex>
#include <stdexcept>

namespace poller_it {

using namespace std::chrono_literals;

SimProcess::SimProcess(std::vector<std::string> args, int port) {
  std::vector<std::string> argv = {testing_support::bin("dlms-meter-sim"), "--listen",
                                   "127.0.0.1:" + std::to_string(port), "--control", "127.0.0.1:0"};
  argv.insert(argv.end(), args.begin(), args.end());
  child_ = testing_support::Child(argv, dir_ / "sim.log");
  std::smatch m;
  const std::regex line(R"(listening .* port=(\d+) .*control=(\d+))");
  const bool up = testing_support::wait_until(
      [&] {
        const std::string text = child_.log();
        if (!std::regex_search(text, m, line)) return false;
        port_ = std::stoi(m[1]);
        control_port_ = std::stoi(m[2]);
        return true;
      },
      15s);
  if (!up) throw std::runtime_error("dlms-meter-sim did not start: " + child_.log());
}

SimProcess::~SimProcess() {
  if (child_.pid() > 0) child_.stop();
}

nlohmann::json SimProcess::get(const std::string& path) const {
  auto r = testing_support::http("GET", control_port_, path);
  EXPECT_EQ(r.status, 200) << path << ": " << r.body;
  return nlohmann::json::parse(r.body, nullptr, false);
}

nlohmann::json SimProcess::post(const std::string& path, const nlohmann::json& body) const {
  auto r = testing_support::http("POST", control_port_, path, body.dump(), {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 200) << path << ": " << r.body;
  return nlohmann::json::parse(r.body, nullptr, false);
}

void SimProcess::faults(int meter, const nlohmann::json& faults) const {
  post("/api/v1/meters/" + std::to_string(meter) + "/faults", faults);
}

void SimProcess::reset(int meter) const { post("/api/v1/meters/" + std::to_string(meter) + "/reset"); }

bool SimProcess::associated(int meter) const {
  return get("/api/v1/meters/" + std::to_string(meter)).value("associated", false);
}

}  // namespace poller_it
