#pragma once
// Sends arbitrary bytes as an HTTP request (plain or TLS, certificate not checked) and reads
// the answer until the server closes: hostile requests that curl would refuse or normalise
// (raw NUL, bad methods, %c0%af, huge headers) reach the server exactly as written.
#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace testing_support {

struct RawAnswer {
  int status = 0;                              // 0 when no status line came back
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// nullopt: no connection, TLS handshake failed, or the server kept the connection open past
// `timeout` (the "not answered" criterion of the slow-client tests).
std::optional<RawAnswer> raw_exchange(int port, bool tls, const std::string& request,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(5));

// "METHOD target HTTP/1.1" + Host + Connection: close (+ extra header lines, each ending in
// \r\n) + blank line.
std::string request_bytes(const std::string& method, const std::string& target, const std::string& extra_headers = {});

// A connected TCP socket to 127.0.0.1:port that the caller owns (idle and slow clients), or -1.
int open_socket(int port);

}  // namespace testing_support
