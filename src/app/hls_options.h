#pragma once
// `dlms-bridge read --auth hls-gmac` options: --system-title, --block-cipher-key,
// --authentication-key, --security-policy, --invocation-counter-obis (docs/protocol.md 1.22).
// The keys are given on the command line for a one-shot probe; they are never echoed.
#include <CLI/CLI.hpp>

#include <string>

#include "bridge/result.h"
#include "bridge/transport/endpoint.h"

namespace bridge::app {

class HlsOptions {
 public:
  void add_to(CLI::App& read);
  // Validated settings; the error names the option (never the key's value).
  Result<transport::HlsGmacSettings, std::string> settings() const;

 private:
  std::string system_title_;
  std::string block_cipher_key_;
  std::string authentication_key_;
  std::string security_policy_ = "authenticated_encrypted";
  std::string invocation_counter_obis_;
};

}  // namespace bridge::app
