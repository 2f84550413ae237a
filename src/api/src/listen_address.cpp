#include "listen_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace bridge::api::detail {
namespace {

// host ("" = all interfaces, "[::1]" accepted) and port as a socket address.
bool to_sockaddr(std::string host, int port, sockaddr_storage& addr, socklen_t& len) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  addr = {};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    len = sizeof(sockaddr_in);
    return true;
  }
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

}  // namespace

std::string civet_listen(const std::string& listen, bool tls, std::string& host) {
  auto colon = listen.rfind(':');
  host = listen.substr(0, colon);
  std::string port = listen.substr(colon + 1);
  if (host == "localhost") host = "127.0.0.1";
  std::string out = host.empty() ? port : host + ":" + port;
  return tls ? out + "s" : out;
}

std::string bind_problem(const std::string& host, int port) {
  const std::string where = (host.empty() ? std::string("0.0.0.0") : host) + ":" + std::to_string(port);
  sockaddr_storage addr{};
  socklen_t len = 0;
  if (!to_sockaddr(host, port, addr, len)) return where + " is not an IP address to listen on";
  const int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return where + ": cannot create a socket: " + std::strerror(errno);
  const int on = 1;
  (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  const int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  const int error = errno;
  ::close(fd);
  if (rc == 0) return {};
  switch (error) {
    case EADDRINUSE: return where + " is already in use";
    case EACCES: return where + ": permission denied (ports below 1024 need privileges)";
    case EADDRNOTAVAIL: return where + ": no interface of this machine has that address";
    default: return where + ": " + std::strerror(error);
  }
}

void poke(const std::string& host, int port) {
  std::string h = host;
  if (h.empty() || h == "0.0.0.0") h = "127.0.0.1";
  if (h == "::" || h == "[::]") h = "::1";
  sockaddr_storage addr{};
  socklen_t len = 0;
  if (!to_sockaddr(h, port, addr, len)) return;
  int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  (void)::connect(fd, reinterpret_cast<sockaddr*>(&addr), len);
  ::close(fd);
}

}  // namespace bridge::api::detail
