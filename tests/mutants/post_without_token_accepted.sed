# breaks: with [http] token set, a POST without any bearer token is accepted
# file: src/api/src/http_server.cpp
# build: api_tests
# kill: ^HttpServerTest\.
s/if (mutating(request\.method) \&\& token_configured \&\& !bearer_ok) {/if (false \&\& mutating(request.method) \&\& token_configured \&\& !bearer_ok) {/
