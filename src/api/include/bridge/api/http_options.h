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
#include <vector>

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
  std::size_t max_body_bytes = 1 << 20;   // larger request bodies get 413
  // Open connections beyond this are closed at once (and counted). CivetWeb serves each
  // connection on its own worker thread: max_connections + 4 small-stack workers are started.
  std::size_t max_connections = 512;
  // A new connection must complete its TLS handshake and request header within this
  // (slow-loris guard); later body reads get the same per-read bound.
  std::chrono::milliseconds read_header_timeout{5000};
  // A kept-alive connection is closed when its next request does not arrive within this.
  std::chrono::milliseconds idle_timeout{30000};
  // Readiness conditions that are waiting ("starting") from before the port opens: otherwise a
  // probe in the moment between listening and the app declaring them sees /-/ready 200 while
  // no route but the built-in ones exists yet.
  std::vector<std::string> not_ready_at_start;
};

// One worker thread per connection: beyond this, threads cost more than they protect.
inline constexpr std::size_t kMaxConnections = 8192;

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
