#include "connection_guard.h"

#include <dlfcn.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "bridge/prometheus/text_writer.h"

namespace bridge::api::detail {
namespace {

using Clock = std::chrono::steady_clock;

thread_local ConnectionGuard* t_master_guard = nullptr;
thread_local ConnectionGuard* t_worker_guard = nullptr;

// What the worker thread knows about the connection it serves (one at a time).
struct WorkerConnection {
  bool open = false;
  Clock::time_point waiting_since;  // connection start or end of the last answer
  std::uint64_t answered = 0;
};
thread_local WorkerConnection t_connection;

constexpr char kTooManyConnections[] =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 46\r\n"
    "Connection: close\r\n\r\n{\"error\":\"too many connections, retry later\"}\n";
static_assert(sizeof("{\"error\":\"too many connections, retry later\"}\n") - 1 == 46);

}  // namespace

void ConnectionGuard::bind_master_thread() { t_master_guard = this; }
void ConnectionGuard::bind_worker_thread() { t_worker_guard = this; }
ConnectionGuard* ConnectionGuard::current() { return t_worker_guard; }

bool ConnectionGuard::admit(int fd) {
  // The count is decremented by connection_closed() on a worker, so it covers sockets that
  // wait in CivetWeb's queue as well as those being served.
  if (active_.fetch_add(1) >= static_cast<std::int64_t>(limits_.max_connections)) {
    active_.fetch_sub(1);
    rejected_.fetch_add(1);
    if (!limits_.tls) (void)::send(fd, kTooManyConnections, sizeof kTooManyConnections - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
    ::close(fd);
    return false;
  }
  accepted_.fetch_add(1);
  return true;
}

void ConnectionGuard::connection_started() {
  if (t_connection.open) return;  // TLS: already counted at handshake start
  t_connection = WorkerConnection{true, Clock::now(), 0};
}

void ConnectionGuard::request_answered() {
  ++t_connection.answered;
  t_connection.waiting_since = Clock::now();
}

void ConnectionGuard::connection_closed() {
  if (t_connection.open) {
    const auto waited = Clock::now() - t_connection.waiting_since;
    const auto deadline = t_connection.answered == 0 ? limits_.read_header_timeout : limits_.idle_timeout;
    // CivetWeb polls in steps, so it may give up slightly before the exact deadline.
    if (waited >= deadline * 9 / 10) timed_out_.fetch_add(1);
  }
  t_connection = WorkerConnection{};
  active_.fetch_sub(1);
}

ConnectionStats ConnectionGuard::stats() const {
  return ConnectionStats{accepted_.load(), rejected_.load(), timed_out_.load(), active_.load(),
                         limits_.max_connections};
}

void ConnectionCollector::collect(prometheus::TextWriter& out) const {
  const auto s = guard_->stats();
  out.family("dlms_bridge_http_connections_accepted_total", "HTTP connections accepted.", "counter");
  out.sample("dlms_bridge_http_connections_accepted_total", "", static_cast<double>(s.accepted));
  out.family("dlms_bridge_http_connections_rejected_total",
             "HTTP connections closed at once because [http] max_connections were open.", "counter");
  out.sample("dlms_bridge_http_connections_rejected_total", "", static_cast<double>(s.rejected));
  out.family("dlms_bridge_http_connections_timed_out_total",
             "HTTP connections closed because no request header arrived within read_header_timeout "
             "(first request, TLS handshake included) or idle_timeout (between requests).",
             "counter");
  out.sample("dlms_bridge_http_connections_timed_out_total", "", static_cast<double>(s.timed_out));
  out.family("dlms_bridge_http_connections_open", "HTTP connections open now (accepted, not yet closed).", "gauge");
  out.sample("dlms_bridge_http_connections_open", "", static_cast<double>(s.active));
  out.family("dlms_bridge_http_connections_max", "[http] max_connections: open connections beyond it are refused.",
             "gauge");
  out.sample("dlms_bridge_http_connections_max", "", static_cast<double>(s.limit));
}

}  // namespace bridge::api::detail

// CivetWeb 1.15 (libcivetweb.so) calls accept() on its master thread and offers no callback
// there. This definition in the executable interposes it (the dynamic linker resolves the
// library's reference to the executable first); it forwards to the C library and, only on a
// thread bound by ConnectionGuard::bind_master_thread(), applies the connection limit. Every
// other caller gets the plain accept().
extern "C" int accept(int fd, sockaddr* __restrict addr, socklen_t* __restrict len) {
  using AcceptFn = int (*)(int, sockaddr*, socklen_t*);
  static const AcceptFn next = [] {
    void* symbol = ::dlsym(RTLD_NEXT, "accept");
    AcceptFn fn = nullptr;
    std::memcpy(&fn, &symbol, sizeof fn);
    return fn;
  }();
  const int client = next(fd, addr, len);
  auto* guard = bridge::api::detail::t_master_guard;
  if (client < 0 || guard == nullptr) return client;
  if (guard->admit(client)) return client;
  errno = EAGAIN;  // CivetWeb treats a failed accept() as "nothing to accept" and polls again
  return -1;
}
