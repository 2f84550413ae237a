#pragma once
// The simulator as a child process and `dlms-bridge read` against it, shared by the read tests.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "testing/process.h"

namespace read_test {

using namespace std::chrono_literals;
using testing_support::bin;
using testing_support::RunResult;

// The simulator as a child; reads the bound port from its "listening ... port=N" line.
class Sim {
 public:
  explicit Sim(std::vector<std::string> args) {
    std::vector<std::string> argv{bin("dlms-meter-sim"), "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), args.begin(), args.end());
    child_ = testing_support::Child(argv, dir_ / "sim.log");
    std::smatch m;
    const bool ready = testing_support::wait_until(
        [&] {
          log_ = child_.log();
          static const std::regex kLine(R"(listening .*\bport=(\d+))");
          return std::regex_search(log_, m, kLine);
        },
        10s);
    EXPECT_TRUE(ready) << log_;
    if (ready) port_ = std::stoi(m[1]);
  }
  ~Sim() {
    if (::testing::Test::HasFailure()) std::cerr << "---- dlms-meter-sim log ----\n" << child_.log() << "\n";
  }
  std::string port() const { return std::to_string(port_); }

 private:
  testing_support::TempDir dir_;
  testing_support::Child child_;
  std::string log_;
  int port_ = 0;
};

inline RunResult read(const std::string& port, std::vector<std::string> args) {
  std::vector<std::string> argv{bin("dlms-bridge"), "read", "--host", "127.0.0.1", "--port", port};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing_support::run(argv, 60s);
}

}  // namespace read_test
