#include "sim/server.h"

#include <algorithm>
#include <array>
#include <random>
#include <unordered_set>
#include <vector>

#include "bridge/asio.h"
#include "bridge/local_ports.h"
#include "bridge/log.h"
#include "frame_layout.h"

namespace sim {

namespace asio = boost::asio;
using asio::ip::tcp;
using Error = boost::system::error_code;

namespace {

constexpr std::size_t kReadChunk = 512;
constexpr int kConsecutivePortAttempts = 200;

// With port 0, a run of N consecutive ports starts at a random base below the kernel's
// ephemeral range (bridge/local_ports.h): under ctest -j2 all 50 kernel-chosen bases failed once.
std::uint32_t random_run_base(std::uint32_t count) {
  static std::mt19937 rng{std::random_device{}()};
  return bridge::local_ports::random_run_base(count, rng);
}

class Connection;

}  // namespace

struct Server::Impl {
  struct Listener {
    tcp::acceptor acceptor;
    Meter* meter = nullptr;  // nullptr: the shared fleet port
    std::uint16_t port = 0;
    std::uint64_t generation = 0;
    explicit Listener(asio::io_context& io) : acceptor(io) {}
  };

  Impl(asio::io_context& io_context, Fleet& f, ServerOptions o) : io(io_context), fleet(f), options(std::move(o)) {}

  bridge::Result<void, std::string> open(Listener& l, std::uint16_t port);
  void start_accepting(Listener& l);
  asio::awaitable<void> accept_loop(Listener& l, std::uint64_t generation);
  Listener* listener_of(const Meter& meter);

  asio::io_context& io;
  Fleet& fleet;
  ServerOptions options;
  bool stopped = false;
  std::vector<std::unique_ptr<Listener>> listeners;
  std::unordered_set<Connection*> connections;
};

namespace {

// One accepted TCP connection: a read loop that feeds the ServerSession and writes what it
// produces, with the byte/time faults applied on the way out.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server::Impl& server, tcp::socket socket, Meter* meter)
      : server_(server),
        socket_(std::move(socket)),
        watchdog_(server.io),
        delay_(server.io),
        session_(server.fleet, server.options.transport, meter, meter == nullptr, std::chrono::steady_clock::now()) {}

  void start() {
    server_.connections.insert(this);
    auto self = shared_from_this();
    asio::co_spawn(server_.io, run(), [self](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        bridge::log::error("connection failed", {{"error", ex.what()}});
      }
      self->close();
      self->finish();
    });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    Error ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    watchdog_.cancel();
    delay_.cancel();
  }

  Meter* meter() const { return session_.meter(); }
  bool closed() const { return closed_; }

 private:
  asio::awaitable<void> run() {
    if (!session_.accept()) {
      close();
      finish();
      co_return;
    }
    std::array<std::uint8_t, kReadChunk> buffer;
    while (!closed_) {
      Error ec;
      std::size_t n =
          co_await socket_.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      if (ec || closed_) break;
      session_.handle_bytes({buffer.data(), n}, std::chrono::steady_clock::now(), std::chrono::system_clock::now());
      if (!co_await flush()) break;
      if (session_.should_close()) break;
      arm_watchdog();
    }
    close();
    finish();
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    session_.release();
    server_.connections.erase(this);
  }

  void arm_watchdog() {
    auto deadline = session_.poll_timeout();
    if (!deadline) {
      watchdog_.cancel();
      return;
    }
    if (armed_ && *armed_ == *deadline) return;
    armed_ = deadline;
    watchdog_.expires_at(*deadline);
    watchdog_.async_wait([self = shared_from_this()](Error ec) {
      if (ec || self->closed_) return;
      self->armed_.reset();
      self->session_.handle_timeout(std::chrono::steady_clock::now());
      if (self->session_.should_close()) {
        self->close();
        return;
      }
      self->arm_watchdog();
    });
  }

  asio::awaitable<bool> write(const std::uint8_t* data, std::size_t size) {
    Error ec;
    co_await asio::async_write(socket_, asio::buffer(data, size), asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec && !closed_;
  }

  asio::awaitable<bool> flush() {
    while (auto out = session_.poll_transmit()) {
      if (closed_) co_return false;
      Meter* meter = session_.meter();
      if (!meter) {
        if (!co_await write(out->bytes.data(), out->bytes.size())) co_return false;
        continue;
      }
      const FaultSettings& f = meter->faults();
      Random& random = meter->random();
      if (out->response && (f.delay.count() > 0 || f.delay_jitter.count() > 0)) {
        auto jitter =
            f.delay_jitter.count() > 0 ? random.below(static_cast<std::uint64_t>(f.delay_jitter.count()) + 1) : 0;
        meter->counts().add(FaultKind::slow);
        delay_.expires_after(f.delay + std::chrono::milliseconds(jitter));
        Error ec;
        co_await delay_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (closed_) co_return false;
      }
      if (out->response && random.chance(f.garbage)) {
        dlms::Bytes garbage(static_cast<std::size_t>(f.garbage_bytes));
        for (auto& b : garbage) {
          do b = static_cast<std::uint8_t>(random.next());
          while (b == 0x7E);
        }
        meter->counts().add(FaultKind::garbage);
        if (!co_await write(garbage.data(), garbage.size())) co_return false;
      }
      if (out->hdlc_frame) {
        auto layout = frame_layout(out->bytes);
        if (layout.hcs && random.chance(f.corrupt_hcs)) {
          out->bytes[*layout.hcs] ^= 0xFF;
          meter->counts().add(FaultKind::corrupt_hcs);
        }
        if (layout.fcs && random.chance(f.corrupt_fcs)) {
          out->bytes[*layout.fcs] ^= 0xFF;
          meter->counts().add(FaultKind::corrupt_fcs);
        }
      }
      if (out->response && random.chance(f.drop_mid_frame)) {
        meter->counts().add(FaultKind::drop_mid_frame);
        co_await write(out->bytes.data(), std::max<std::size_t>(1, out->bytes.size() / 2));
        co_return false;
      }
      if (f.split_writes && out->bytes.size() > 1) {
        meter->counts().add(FaultKind::split_writes);
        for (std::size_t i = 0; i < out->bytes.size(); ++i) {
          if (!co_await write(out->bytes.data() + i, 1)) co_return false;
        }
        continue;
      }
      if (!co_await write(out->bytes.data(), out->bytes.size())) co_return false;
    }
    if (session_.close_now()) co_return false;
    co_return true;
  }

  Server::Impl& server_;
  tcp::socket socket_;
  asio::steady_timer watchdog_;
  asio::steady_timer delay_;
  ServerSession session_;
  std::optional<SteadyTime> armed_;
  bool closed_ = false;
  bool finished_ = false;
};

}  // namespace

bridge::Result<void, std::string> Server::Impl::open(Listener& l, std::uint16_t port) {
  Error ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) return bridge::fail("bad listen address \"" + options.host + "\"");
  tcp::endpoint endpoint(address, port);
  l.acceptor.open(endpoint.protocol(), ec);
  if (!ec) l.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) l.acceptor.bind(endpoint, ec);
  if (!ec) l.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    Error ignored;
    l.acceptor.close(ignored);
    return bridge::fail("cannot listen on " + options.host + ":" + std::to_string(port) + ": " + ec.message());
  }
  l.port = l.acceptor.local_endpoint().port();
  return {};
}

void Server::Impl::start_accepting(Listener& l) {
  auto generation = ++l.generation;
  asio::co_spawn(io, accept_loop(l, generation), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      bridge::log::error("accept loop failed", {{"error", ex.what()}});
    }
  });
}

asio::awaitable<void> Server::Impl::accept_loop(Listener& l, std::uint64_t generation) {
  asio::steady_timer backoff(io);
  for (;;) {
    tcp::socket socket(io);
    Error ec;
    co_await l.acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (stopped || l.generation != generation || !l.acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors (or a transient error): back off instead of spinning.
      bridge::log::warn("accept failed", {{"port", l.port}, {"error", ec.message()}});
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (stopped || l.generation != generation) co_return;
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    std::make_shared<Connection>(*this, std::move(socket), l.meter)->start();
  }
}

Server::Impl::Listener* Server::Impl::listener_of(const Meter& meter) {
  if (options.mode == PortMode::shared) return listeners.empty() ? nullptr : listeners.front().get();
  auto index = meter.id() - 1;
  return index < listeners.size() ? listeners[index].get() : nullptr;
}

Server::Server(asio::io_context& io, Fleet& fleet, ServerOptions options)
    : impl_(std::make_unique<Impl>(io, fleet, std::move(options))) {}

Server::~Server() {
  stop();
}

bridge::Result<void, std::string> Server::start() {
  auto& s = *impl_;
  if (s.options.mode == PortMode::shared || s.fleet.size() == 1) {
    s.options.mode = s.fleet.size() == 1 ? PortMode::consecutive : PortMode::shared;
    auto l = std::make_unique<Impl::Listener>(s.io);
    l->meter = s.options.mode == PortMode::shared ? nullptr : s.fleet.find(1);
    if (auto r = s.open(*l, s.options.port); !r) return r;
    s.listeners.push_back(std::move(l));
  } else {
    // N consecutive ports; with port 0 look for a free run at random bases (random_run_base).
    const bool any_port = s.options.port == 0;
    int attempts = any_port ? kConsecutivePortAttempts : 1;
    std::string last_error;
    for (int attempt = 0; attempt < attempts && s.listeners.size() < s.fleet.size(); ++attempt) {
      s.listeners.clear();
      const std::uint32_t base =
          any_port ? random_run_base(static_cast<std::uint32_t>(s.fleet.size())) : s.options.port;
      for (std::uint32_t id = 1; id <= s.fleet.size(); ++id) {
        auto l = std::make_unique<Impl::Listener>(s.io);
        l->meter = s.fleet.find(id);
        const std::uint32_t port = base + id - 1;
        if (port > 65535) {
          last_error = "not enough ports above " + std::to_string(base);
          break;
        }
        if (auto r = s.open(*l, static_cast<std::uint16_t>(port)); !r) {
          last_error = r.error();
          break;
        }
        s.listeners.push_back(std::move(l));
      }
    }
    if (s.listeners.size() < s.fleet.size()) {
      s.listeners.clear();
      return bridge::fail(last_error);
    }
  }
  for (auto& l : s.listeners) {
    if (l->meter && l->meter->faults().refuse) {
      Error ignored;
      l->acceptor.close(ignored);
      l->meter->counts().add(FaultKind::refuse);
      continue;
    }
    s.start_accepting(*l);
  }
  return {};
}

void Server::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  for (auto& l : impl_->listeners) {
    Error ignored;
    l->acceptor.close(ignored);
  }
  // close() does not erase from the set; finish() does, later, on the io_context.
  std::vector<Connection*> open(impl_->connections.begin(), impl_->connections.end());
  for (auto* c : open) c->close();
}

std::uint16_t Server::base_port() const {
  return impl_->listeners.empty() ? 0 : impl_->listeners.front()->port;
}

std::uint16_t Server::port_of(const Meter& meter) const {
  auto* l = impl_->listener_of(meter);
  return l ? l->port : 0;
}

std::size_t Server::connections() const {
  return impl_->connections.size();
}

void Server::faults_changed(Meter& meter) {
  auto& s = *impl_;
  if (s.stopped || s.options.mode == PortMode::shared) return;
  auto* l = s.listener_of(meter);
  if (!l) return;
  bool open = l->acceptor.is_open();
  if (meter.faults().refuse && open) {
    Error ignored;
    ++l->generation;
    l->acceptor.close(ignored);
    meter.counts().add(FaultKind::refuse);
    bridge::log::info("listener closed (refuse)", {{"meter", meter.id()}, {"port", l->port}});
  } else if (!meter.faults().refuse && !open) {
    if (auto r = s.open(*l, l->port); !r) {
      bridge::log::error("cannot reopen listener", {{"meter", meter.id()}, {"error", r.error()}});
      return;
    }
    s.start_accepting(*l);
    bridge::log::info("listener reopened", {{"meter", meter.id()}, {"port", l->port}});
  }
}

std::size_t Server::disconnect(Meter& meter) {
  std::vector<Connection*> victims;
  for (auto* c : impl_->connections) {
    if (c->meter() == &meter && !c->closed()) victims.push_back(c);
  }
  for (auto* c : victims) c->close();
  return victims.size();
}

}  // namespace sim
