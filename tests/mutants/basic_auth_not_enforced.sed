# breaks: with basic auth configured, a request without credentials is served
# file: src/api/src/http_server.cpp
# build: api_tests
# kill: ^(HttpServerTest|BasicAuthTest)\.
s/if (!bearer_ok \&\& basic_auth_\.enabled()) {/if (false \&\& !bearer_ok \&\& basic_auth_.enabled()) {/
