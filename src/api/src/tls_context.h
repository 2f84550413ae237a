#pragma once
// Builds the server SSL_CTX from exporter-toolkit settings. CivetWeb (Debian build) loads
// libssl dynamically; we hand it a finished context through its external_ssl_ctx callback
// because its own options cannot take a separate key file, client-auth modes or TLS 1.3 only.
#include <string>

#include "bridge/api/http_options.h"
#include "bridge/result.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace bridge::api::detail {

Result<SSL_CTX*, std::string> make_server_context(const TlsServerConfig& config);
void free_server_context(SSL_CTX* ctx);

}  // namespace bridge::api::detail
