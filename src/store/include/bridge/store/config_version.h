#pragma once
// The applied configs, one row per start-up and per successful reload (the `config_versions`
// table), so an operator can see what changed before a meter started failing.
#include <cstdint>
#include <string>

namespace bridge::store {

struct ConfigVersion {
  std::int64_t id = 0;       // set by the store
  std::int64_t ts_ms = 0;    // when it was applied
  std::string sha256;        // of the config file's bytes (compare with sha256sum FILE)
  std::string trigger;       // "startup" | "sighup" | "api"
  std::string actor;         // who, when known: "user NAME" (basic auth), "bearer token", ...
  std::string source;        // the file it was loaded from
  std::int64_t meters = 0;   // meters in it
  std::string config;        // the effective config as JSON, secrets redacted
  bool changed = false;      // read only: sha256 differs from the version before it
};

}  // namespace bridge::store
