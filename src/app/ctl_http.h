#pragma once
// `dlms-bridge ctl`'s HTTP client: one request to the bridge's REST API, JSON in and out, the
// bearer token when given. Failures are printed on stderr (never silently).
#include <nlohmann/json.hpp>

#include <string>

#include "ctl_command.h"

namespace bridge::app {

// Parses the body into `out` or reports why not; API errors ({"error": ...}) go to stderr
// unless `accept_error_body` (then the caller reads them).
bool ctl_fetch(const CtlOptions& o, const std::string& method, const std::string& path, nlohmann::json& out,
               bool accept_error_body = false);

// "2026-11-30T02:11:05Z" of a UTC ms JSON number; "never" otherwise.
std::string ctl_ts_text(const nlohmann::json& v);
// A JSON value as plain text ("" for null, strings unquoted).
std::string ctl_str(const nlohmann::json& v);

}  // namespace bridge::app
