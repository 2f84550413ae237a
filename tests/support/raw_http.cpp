#include "testing/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cctype>
#include <memory>

namespace testing_support {
namespace {

using Clock = std::chrono::steady_clock;

bool wait_io(int fd, short events, Clock::time_point deadline) {
  while (Clock::now() < deadline) {
    pollfd p{fd, events, 0};
    if (::poll(&p, 1, 20) > 0) return true;
  }
  return false;
}

std::optional<RawAnswer> parse(const std::string& raw) {
  RawAnswer a;
  if (raw.rfind("HTTP/", 0) != 0 || raw.size() < 12) return a;  // CivetWeb echoes "HTTP/3.0" in a 505
  a.status = std::atoi(raw.substr(9, 3).c_str());
  const auto end = raw.find("\r\n\r\n");
  std::size_t pos = raw.find("\r\n") + 2;
  while (end != std::string::npos && pos < end) {
    const auto eol = raw.find("\r\n", pos);
    const auto line = raw.substr(pos, eol - pos);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      a.headers[name] = value;
    }
    pos = eol + 2;
  }
  if (end != std::string::npos) a.body = raw.substr(end + 4);
  return a;
}

}  // namespace

int open_socket(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string request_bytes(const std::string& method, const std::string& target, const std::string& extra_headers) {
  return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra_headers + "\r\n";
}

std::optional<RawAnswer> raw_exchange(int port, bool tls, const std::string& request,
                                      std::chrono::milliseconds timeout) {
  // SSL_write() to a server that already answered and closed would raise SIGPIPE.
  static const bool sigpipe_ignored = std::signal(SIGPIPE, SIG_IGN) != SIG_ERR;
  (void)sigpipe_ignored;
  const auto deadline = Clock::now() + timeout;
  const int fd = open_socket(port);
  if (fd < 0) return std::nullopt;
  std::unique_ptr<int, void (*)(int*)> closer(new int(fd), [](int* p) {
    ::close(*p);
    delete p;
  });
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(nullptr, SSL_CTX_free);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(nullptr, SSL_free);
  if (tls) {
    ctx.reset(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    ssl.reset(SSL_new(ctx.get()));
    SSL_set_fd(ssl.get(), fd);
    // Blocking socket: bound the handshake with SO_RCVTIMEO instead of a non-blocking loop.
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (SSL_connect(ssl.get()) != 1) return std::nullopt;
  }
  std::size_t sent = 0;
  while (sent < request.size()) {
    const int n = tls ? SSL_write(ssl.get(), request.data() + sent, static_cast<int>(request.size() - sent))
                      : static_cast<int>(::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL));
    if (n <= 0) break;  // the server may answer (and close) before reading everything
    sent += static_cast<std::size_t>(n);
  }
  std::string raw;
  char buf[16384];
  while (true) {
    if (!(tls && SSL_pending(ssl.get()) > 0) && !wait_io(fd, POLLIN, deadline)) return std::nullopt;
    const int n = tls ? SSL_read(ssl.get(), buf, sizeof buf) : static_cast<int>(::recv(fd, buf, sizeof buf, 0));
    if (n <= 0) break;
    raw.append(buf, static_cast<std::size_t>(n));
  }
  return parse(raw);
}

}  // namespace testing_support
