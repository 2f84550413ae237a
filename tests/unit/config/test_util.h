#pragma once
// Helpers shared by the config tests.
#include <gtest/gtest.h>

#include <string>

#include "bridge/config/config.h"

namespace config_test {

// Loads `text` and fails the test with every message when it does not load.
inline bridge::config::Config load_ok(const std::string& text, const std::filesystem::path& base_dir = {}) {
  auto r = bridge::config::load_string(text, "test.toml", base_dir);
  if (!r) {
    std::string all;
    for (const auto& e : r.error()) all += e.to_string() + "\n";
    ADD_FAILURE() << "config did not load:\n" << all;
    return {};
  }
  return *r;
}

inline std::string all_errors(const std::vector<bridge::config::ConfigError>& errors) {
  std::string all;
  for (const auto& e : errors) all += e.to_string() + "\n";
  return all;
}

}  // namespace config_test
