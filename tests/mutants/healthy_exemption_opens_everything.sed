# breaks: healthy_without_auth leaves every path open under basic auth, not only /-/healthy
# file: src/api/src/http_server.cpp
# build: api_tests
# kill: ^HttpServerTest\.healthy_can_be_left_open
s/if (options_\.healthy_without_auth \&\& request\.path == "\/-\/healthy") return std::nullopt;/if (options_.healthy_without_auth) return std::nullopt;/
