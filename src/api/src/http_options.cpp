#include "bridge/api/http_options.h"

#include <charconv>
#include <filesystem>
#include <fstream>

#include "bridge/api/basic_auth.h"

namespace bridge::api {

namespace {

constexpr std::string_view kClientAuthTypes[] = {"NoClientCert", "RequestClientCert", "RequireAnyClientCert",
                                                 "VerifyClientCertIfGiven", "RequireAndVerifyClientCert"};

bool readable(const std::string& path) {
  std::ifstream in(path);
  return static_cast<bool>(in);
}

std::string join(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) {
    if (!out.empty()) out.append("; ");
    out.append(p);
  }
  return out;
}

}  // namespace

Result<void, HttpError> validate(const HttpOptions& options) {
  std::vector<std::string> problems;

  auto colon = options.listen.rfind(':');
  if (colon == std::string::npos) {
    problems.push_back("http.listen \"" + options.listen + "\": expected host:port");
  } else {
    auto port_text = std::string_view(options.listen).substr(colon + 1);
    int port = -1;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || p != port_text.data() + port_text.size() || port < 0 || port > 65535) {
      problems.push_back("http.listen \"" + options.listen + "\": port must be 0..65535");
    }
  }
  if (options.max_connections < 1 || options.max_connections > kMaxConnections) {
    problems.push_back("http.max_connections must be 1.." + std::to_string(kMaxConnections));
  }
  if (options.read_header_timeout.count() < 1) problems.push_back("http.read_header_timeout must be positive");
  if (options.idle_timeout.count() < 1) problems.push_back("http.idle_timeout must be positive");

  if (const auto& tls = options.tls_server_config) {
    if (tls->cert_file.empty()) problems.push_back("tls_server_config.cert_file is required");
    else if (!readable(tls->cert_file)) problems.push_back("tls_server_config.cert_file \"" + tls->cert_file + "\": cannot read");
    if (tls->key_file.empty()) problems.push_back("tls_server_config.key_file is required");
    else if (!readable(tls->key_file)) problems.push_back("tls_server_config.key_file \"" + tls->key_file + "\": cannot read");
    bool known = false;
    for (auto t : kClientAuthTypes) known = known || t == tls->client_auth_type;
    if (!known) {
      problems.push_back("tls_server_config.client_auth_type \"" + tls->client_auth_type +
                         "\": expected NoClientCert, RequestClientCert, RequireAnyClientCert, "
                         "VerifyClientCertIfGiven or RequireAndVerifyClientCert");
    }
    bool verifies = tls->client_auth_type == "VerifyClientCertIfGiven" ||
                    tls->client_auth_type == "RequireAndVerifyClientCert";
    if (verifies && tls->client_ca_file.empty()) {
      problems.push_back("tls_server_config.client_ca_file is required for client_auth_type " + tls->client_auth_type);
    }
    if (!tls->client_ca_file.empty() && !readable(tls->client_ca_file)) {
      problems.push_back("tls_server_config.client_ca_file \"" + tls->client_ca_file + "\": cannot read");
    }
    if (tls->min_version != "TLS12" && tls->min_version != "TLS13") {
      problems.push_back("tls_server_config.min_version \"" + tls->min_version +
                         "\": expected TLS12 or TLS13 (TLS 1.0/1.1 are not allowed)");
    }
  }

  for (const auto& [user, hash] : options.basic_auth_users) {
    if (user.empty() || user.find(':') != std::string::npos) {
      problems.push_back("basic_auth_users: user name \"" + user + "\" must be non-empty and contain no ':'");
    }
    if (!is_bcrypt_hash(hash)) {
      problems.push_back("basic_auth_users." + user + ": not a bcrypt hash (expected $2a$/$2b$/$2y$, 60 characters)");
    }
  }

  if (!problems.empty()) return fail(HttpError{HttpError::Code::bad_options, join(problems)});
  return {};
}

}  // namespace bridge::api
