/* A libssl.so for Debian 12's CivetWeb 1.15.
 *
 * CivetWeb loads OpenSSL at run time with dlopen("libssl.so") and dlsym() of the 1.1 API names.
 * OpenSSL 3 no longer exports SSL_get_peer_certificate (it became a macro for
 * SSL_get1_peer_certificate), so CivetWeb's pointer stays NULL and every TLS connection crashes
 * in ssl_get_client_cert_info(). This library has the SONAME "libssl.so", is linked into every
 * binary that serves HTTP, and is therefore the object CivetWeb's dlopen("libssl.so") returns
 * (glibc matches already loaded objects by SONAME). dlsym() on it finds the one missing function
 * here and everything else in its dependency, the real libssl.so.3.
 */
#include <openssl/ssl.h>

#undef SSL_get_peer_certificate

X509* SSL_get_peer_certificate(const SSL* ssl);
int dlms_bridge_civetweb_ssl_shim(void);

X509* SSL_get_peer_certificate(const SSL* ssl) { return SSL_get1_peer_certificate(ssl); }

/* Referenced by the api library so that --as-needed links keep this DT_NEEDED entry. */
int dlms_bridge_civetweb_ssl_shim(void) { return 1; }
