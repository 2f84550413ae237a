#pragma once
// `dlms-bridge read --auth hls-gmac` options: --system-title, --block-cipher-key,
// --authentication-key, --security-policy, --ciphering, --invocation-counter-obis
// (docs/protocol.md 1.22).
// The keys are given on the command line for a one-shot probe; they are never echoed.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "bridge/result.h"
#include "bridge/transport/endpoint.h"

namespace bridge::app {

class HlsOptions {
 public:
  void add_to(CLI::App& read);
  // Validated settings; the error names the option (never the key's value).
  Result<transport::HlsGmacSettings, std::string> settings() const;
  // The first of these options given on the command line ("" when none): they apply only to
  // --auth hls-gmac, and a setting silently ignored would mislead.
  std::string first_given() const;

 private:
  std::string system_title_;
  std::string block_cipher_key_;
  std::string authentication_key_;
  std::string security_policy_ = "authenticated_encrypted";
  std::string ciphering_ = "glo";
  std::string invocation_counter_obis_;
  std::vector<CLI::Option*> options_;
};

}  // namespace bridge::app
