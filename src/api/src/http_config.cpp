#include "bridge/api/http_config.h"

namespace bridge::api {

HttpOptions to_http_options(const config::HttpConfig& http) {
  HttpOptions o;
  o.listen = http.listen.to_string();
  if (http.tls_server_config) {
    const auto& t = *http.tls_server_config;
    TlsServerConfig tls;
    tls.cert_file = t.cert_file.string();
    tls.key_file = t.key_file.string();
    tls.client_ca_file = t.client_ca_file.string();
    tls.client_auth_type = std::string(config::to_string(t.client_auth_type));
    tls.min_version = std::string(config::to_string(t.min_version));
    o.tls_server_config = tls;
  }
  for (const auto& [user, hash] : http.basic_auth_users) o.basic_auth_users[user] = hash.reveal();
  o.healthy_without_auth = http.healthy_without_auth;
  o.bearer_token = http.token.reveal();
  o.max_connections = static_cast<std::size_t>(http.max_connections);
  o.read_header_timeout = http.read_header_timeout;
  o.idle_timeout = http.idle_timeout;
  return o;
}

}  // namespace bridge::api
