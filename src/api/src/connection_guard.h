#pragma once
// Connection admission and accounting for CivetWeb, which serves one connection per worker
// thread and has no hook of its own at accept time:
//  - admit() runs on CivetWeb's master thread right after accept() (see the accept wrapper in
//    connection_guard.cpp): beyond max_connections the socket is closed at once (plain HTTP
//    gets a 503 JSON line first) and counted as rejected, so an idle-socket flood can never
//    queue scrapes behind it;
//  - the worker-side calls classify how each connection ended: one that closes while waiting
//    for a request header (first request: read_header_timeout; between requests:
//    idle_timeout) for at least that long is counted as timed out.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "bridge/prometheus/collector.h"

namespace bridge::api::detail {

struct ConnectionLimits {
  std::size_t max_connections = 512;
  std::chrono::milliseconds read_header_timeout{5000};
  std::chrono::milliseconds idle_timeout{30000};
  bool tls = false;  // rejected TLS connections are closed without a plaintext answer
};

struct ConnectionStats {
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
  std::uint64_t timed_out = 0;
  std::int64_t active = 0;
  std::size_t limit = 0;
};

class ConnectionGuard {
 public:
  explicit ConnectionGuard(ConnectionLimits limits) : limits_(limits) {}

  // Binds the calling thread: the master thread's accept() consults admit(), worker threads'
  // callbacks find the guard through current(). Threads of other servers are unaffected.
  void bind_master_thread();
  void bind_worker_thread();
  static ConnectionGuard* current();  // the guard of this worker thread, or null

  // Master thread, after accept(): false = the socket was closed (limit reached).
  bool admit(int fd);

  // Worker thread: a connection starts (plain: before its first request is read; TLS: when the
  // handshake starts), a request was answered, the connection is closed.
  void connection_started();
  void request_answered();
  void connection_closed();

  ConnectionStats stats() const;

 private:
  ConnectionLimits limits_;
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> timed_out_{0};
  std::atomic<std::int64_t> active_{0};
};

// dlms_bridge_http_connections_* families for /metrics.
class ConnectionCollector : public prometheus::Collector {
 public:
  explicit ConnectionCollector(std::shared_ptr<const ConnectionGuard> guard) : guard_(std::move(guard)) {}
  void collect(prometheus::TextWriter& out) const override;

 private:
  std::shared_ptr<const ConnectionGuard> guard_;  // may outlive the server (stays in /metrics)
};

}  // namespace bridge::api::detail
