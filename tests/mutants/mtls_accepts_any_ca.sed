# breaks: RequireAndVerifyClientCert accepts a client certificate from any CA
# file: src/api/src/tls_context.cpp
# build: http_integration_tests
# kill: ^HttpSecurityTest\.(mtls|each_client_auth_type)
s/SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);/SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any);/
