#pragma once
// Settings of the one HTTP server ([http] in the config). TLS and basic-auth keys are those of
// the Prometheus exporter-toolkit web config (docs/web-configuration.md), so operators can
// reuse what they know from node_exporter.
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "bridge/result.h"

namespace bridge::api {

struct TlsServerConfig {        // tls_server_config
  std::string cert_file;        // PEM certificate (chain)
  std::string key_file;         // PEM private key
  std::string client_ca_file;   // PEM CA bundle for client certificates (mTLS)
  // NoClientCert | RequestClientCert | RequireAnyClientCert | VerifyClientCertIfGiven |
  // RequireAndVerifyClientCert (the exporter-toolkit values).
  std::string client_auth_type = "NoClientCert";
  std::string min_version = "TLS12";  // TLS12 | TLS13 (older versions are refused)
};

struct HttpOptions {
  std::string listen = "127.0.0.1:9947";  // host:port; port 0 picks a free port (tests)
  std::optional<TlsServerConfig> tls_server_config;
  // basic_auth_users: user -> bcrypt hash ("$2a$", "$2b$" or "$2y$", as htpasswd -B makes).
  std::map<std::string, std::string> basic_auth_users;
  bool healthy_without_auth = false;      // leave /-/healthy open for probes
  std::string bearer_token;               // when set, POST/PUT/PATCH/DELETE need it
  int threads = 8;                        // CivetWeb worker threads
  std::size_t max_body_bytes = 1 << 20;   // larger request bodies get 413
  std::chrono::milliseconds request_timeout{10000};
};

struct HttpError {
  enum class Code { bad_options, tls, listen };
  Code code = Code::bad_options;
  std::string message;
};

constexpr std::string_view to_label(HttpError::Code c) {
  switch (c) {
    case HttpError::Code::bad_options: return "bad_options";
    case HttpError::Code::tls: return "tls";
    case HttpError::Code::listen: return "listen";
  }
  return "unknown";
}

// Checks everything that can be checked without binding: listen syntax, TLS key names and
// files, bcrypt hash syntax. Every problem is named.
Result<void, HttpError> validate(const HttpOptions& options);

}  // namespace bridge::api
