# breaks: basic auth accepts any password of a known user (bcrypt result ignored)
# file: src/api/src/basic_auth.cpp
# build: api_tests http_integration_tests
# kill: ^(BasicAuthTest|HttpSecurityTest\.basic_auth)
s/if (!bcrypt_verify(password, it->second)) return false;/if (false \&\& !bcrypt_verify(password, it->second)) return false;/
