#include "floor.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <vector>

namespace bench_client {
namespace {

double thread_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_THREAD, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

bool read_exact(int fd, std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    const auto r = ::read(fd, p, n);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

bool write_all(int fd, const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    const auto r = ::write(fd, p, n);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

void no_delay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

FloorResult run_floor(std::uint64_t round_trips, std::size_t request_size, std::size_t reply_size) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener, 1) != 0) {
    throw std::runtime_error("floor: cannot listen on 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);

  FloorResult result;
  result.round_trips = round_trips;
  // The echo peer is a separate process, like dlms-meter-sim is for dlms-bridge, so both sides
  // pay the same cross-process context switches.
  const pid_t server = fork();
  if (server < 0) throw std::runtime_error("floor: fork");
  if (server == 0) {
    const int fd = ::accept(listener, nullptr, nullptr);
    no_delay(fd);
    std::vector<std::uint8_t> request(request_size), reply(reply_size, 0x5A);
    while (read_exact(fd, request.data(), request.size()) && write_all(fd, reply.data(), reply.size())) {
    }
    _exit(0);
  }

  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("floor: connect");
  no_delay(fd);
  std::vector<std::uint8_t> request(request_size, 0xA5), reply(reply_size);
  const double cpu0 = thread_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < round_trips; ++i) {
    if (!write_all(fd, request.data(), request.size()) || !read_exact(fd, reply.data(), reply.size())) {
      throw std::runtime_error("floor: ping-pong broke");
    }
  }
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  result.client_cpu_seconds = thread_cpu_seconds() - cpu0;
  ::close(fd);
  int status = 0;
  rusage ru{};
  wait4(server, &status, 0, &ru);
  result.server_cpu_seconds = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                              static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  ::close(listener);
  return result;
}

}  // namespace bench_client
