#include "tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace bridge::api::detail {

namespace {

std::string openssl_error(const std::string& what) {
  std::string out = what;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    out.append(": ").append(buf);
  }
  return out;
}

// RequestClientCert / RequireAnyClientCert: ask for a certificate but do not verify it (the
// exporter-toolkit semantics of those modes).
int accept_any(int /*preverify_ok*/, X509_STORE_CTX* /*ctx*/) { return 1; }

}  // namespace

Result<SSL_CTX*, std::string> make_server_context(const TlsServerConfig& config) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return fail(openssl_error("SSL_CTX_new"));
  auto bail = [&](const std::string& what) -> Result<SSL_CTX*, std::string> {
    auto message = openssl_error(what);
    SSL_CTX_free(ctx);
    return fail(message);
  };
  int min = config.min_version == "TLS13" ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (SSL_CTX_set_min_proto_version(ctx, min) != 1) return bail("min_version");
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(ctx, config.cert_file.c_str()) != 1) {
    return bail("cert_file " + config.cert_file);
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, config.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return bail("key_file " + config.key_file);
  }
  if (SSL_CTX_check_private_key(ctx) != 1) return bail("key_file does not match cert_file");

  static const unsigned char kSessionContext[] = "dlms-bridge";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);

  if (!config.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, config.client_ca_file.c_str(), nullptr) != 1) {
      return bail("client_ca_file " + config.client_ca_file);
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(config.client_ca_file.c_str());
    if (names != nullptr) SSL_CTX_set_client_CA_list(ctx, names);
  }
  const auto& mode = config.client_auth_type;
  if (mode == "RequestClientCert") {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any);
  } else if (mode == "RequireAnyClientCert") {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any);
  } else if (mode == "VerifyClientCertIfGiven") {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  } else if (mode == "RequireAndVerifyClientCert") {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  return ctx;
}

void free_server_context(SSL_CTX* ctx) { SSL_CTX_free(ctx); }

}  // namespace bridge::api::detail
