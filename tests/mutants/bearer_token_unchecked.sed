# breaks: any bearer token is accepted on POST /api/v1/... and /-/reload
# file: src/api/src/http_server.cpp
# build: api_tests
# kill: ^HttpServerTest\.
s/bearer_ok = detail::secret_equal(token, options_\.bearer_token);/bearer_ok = !token.empty();/
