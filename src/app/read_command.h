#pragma once
// `dlms-bridge read`: one-shot probe of one meter (docs/contract.md). Connects, associates,
// reads the requested registers (or the object list), prints them, always releases the link
// (DISC), and exits 0, 1 with the precise reason, or 2 on a usage error.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "hls_options.h"

namespace bridge::app {

class ReadCommand {
 public:
  // Adds the options to the `read` subcommand.
  explicit ReadCommand(CLI::App& read);
  // Runs the probe after a successful parse; returns the process exit code.
  int run();

 private:
  std::string host_ = "127.0.0.1";
  int port_ = 3333;  // the Microstar TCP module's port, as in [[meter]] port
  std::string transport_ = "hdlc";
  int client_sap_ = 1;
  int server_logical_ = 0;
  int server_physical_ = 1;
  int address_size_ = 1;
  CLI::Option* server_logical_option_ = nullptr;   // given explicitly? (1-byte form: it wins)
  CLI::Option* server_physical_option_ = nullptr;
  std::string auth_ = "low";
  std::string password_ = "22222222";
  std::vector<std::string> obis_;
  std::string timeout_ = "7s";
  bool verbose_ = false;
  bool json_ = false;
  bool list_ = false;
  bool release_ = false;
  int repeat_ = 1;
  int wrapper_client_wport_ = -1;  // default: client SAP
  int wrapper_server_wport_ = 1;
  std::string profile_;  // Profile Generic OBIS (--profile)
  std::string from_;
  std::string to_;
  int last_ = 0;
  bool csv_ = false;
  HlsOptions hls_;
};

}  // namespace bridge::app
