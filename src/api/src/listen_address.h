#pragma once
// The listen address in CivetWeb's syntax, and the socket-level helpers the server needs
// around it: naming why a bind failed, and waking CivetWeb's master thread at shutdown.
#include <string>

namespace bridge::api::detail {

// "localhost:9947" -> "127.0.0.1:9947"; ":9947" -> "9947" (all interfaces); "s" appended for
// TLS. `host` receives the host part ("127.0.0.1", "" for all interfaces).
std::string civet_listen(const std::string& listen, bool tls, std::string& host);

// Why host:port cannot be bound, tried the way CivetWeb binds (SO_REUSEADDR):
// "127.0.0.1:9947 is already in use", "... permission denied" ...; empty when it can be bound.
std::string bind_problem(const std::string& host, int port);

// Opens and closes a TCP connection to host:port (best effort, never blocks long).
void poke(const std::string& host, int port);

}  // namespace bridge::api::detail
