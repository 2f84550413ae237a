#pragma once
// `dlms-bridge discover`: finds how to talk to a meter (address form, client, password), reads
// what it offers, and prints a ready [[meter]] entry on stdout (or --json). Progress and every
// attempt's result go to stderr, so `discover ... >> fleet.toml` works. Exit 0 when a working
// setting was found, 1 when not, 2 on a usage error.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace bridge::app {

class DiscoverCommand {
 public:
  explicit DiscoverCommand(CLI::App& discover);
  int run();

 private:
  std::string host_;
  int port_ = 3333;
  std::string transport_ = "hdlc";
  std::string serial_;
  std::vector<std::string> credentials_;
  std::string id_;
  std::string timeout_ = "7s";  // the [qos] request_timeout default
  std::string pause_ = "2s";
  std::string max_time_ = "2m";
  bool json_ = false;
  bool all_ = false;
};

}  // namespace bridge::app
