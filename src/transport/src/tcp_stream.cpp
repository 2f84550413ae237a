#include "bridge/transport/tcp_stream.h"

#include <boost/asio/connect.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <memory>

namespace bridge::transport {

namespace {
using asio::redirect_error;
using asio::use_awaitable;
}  // namespace

std::string format_duration(std::chrono::steady_clock::duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  char buf[32];
  if (ms % 1000 == 0) {
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(ms / 1000));
  } else if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(ms));
  } else {
    std::snprintf(buf, sizeof buf, "%.3gs", static_cast<double>(ms) / 1000.0);
  }
  return buf;
}

TcpStream::TcpStream(asio::any_io_executor ex)
    : socket_(ex), watchdog_(ex, [this] {
        boost::system::error_code ignored;
        socket_.cancel(ignored);
      }) {}

void TcpStream::cancel() {
  cancelled_ = true;
  boost::system::error_code ignored;
  socket_.cancel(ignored);
}

void TcpStream::close() {
  watchdog_.stop();
  boost::system::error_code ignored;
  if (socket_.is_open()) {
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }
}

Error TcpStream::io_error(const boost::system::error_code& ec, Step step,
                          std::optional<std::chrono::steady_clock::duration> timeout, std::string_view what) const {
  Error e;
  e.step = step;
  if (watchdog_.fired() && ec == asio::error::operation_aborted) {
    e.kind = ErrorKind::timeout;
    e.message = std::string(what) + " timed out" + (timeout ? " after " + format_duration(*timeout) : std::string()) +
                " (" + peer_ + ")";
    return e;
  }
  if (cancelled_ || ec == asio::error::operation_aborted) {
    e.kind = ErrorKind::cancelled;
    e.message = std::string(what) + " cancelled";
    return e;
  }
  e.kind = step == Step::connect ? classify_connect_error(ec) : classify_io_error(ec);
  switch (e.kind) {
    case ErrorKind::refused: e.message = "connection refused by " + peer_; break;
    case ErrorKind::unreachable: e.message = "host unreachable: " + peer_ + " (" + ec.message() + ")"; break;
    case ErrorKind::closed:
      e.message = ec == asio::error::eof ? "peer closed the connection (" + peer_ + ")"
                                         : "connection lost: " + ec.message() + " (" + peer_ + ")";
      break;
    case ErrorKind::timeout: e.message = std::string(what) + " timed out (" + ec.message() + ", " + peer_ + ")"; break;
    default: e.message = std::string(what) + " failed: " + ec.message() + " (" + peer_ + ")"; break;
  }
  return e;
}

awaitable<Result<void, Error>> TcpStream::connect(std::string host, std::uint16_t port,
                                                  std::chrono::steady_clock::duration timeout) {
  cancelled_ = false;
  peer_ = host + ":" + std::to_string(port);
  close();
  boost::system::error_code ec;
  watchdog_.arm(timeout);
  const auto address = asio::ip::make_address(host, ec);
  if (!ec) {
    tcp::endpoint endpoint(address, port);
    socket_.open(endpoint.protocol(), ec);
    if (!ec) co_await socket_.async_connect(endpoint, redirect_error(use_awaitable, ec));
  } else {
    tcp::resolver resolver(co_await asio::this_coro::executor);
    ec.clear();
    auto results = co_await resolver.async_resolve(host, std::to_string(port), redirect_error(use_awaitable, ec));
    if (ec) {
      watchdog_.disarm();
      co_return fail(make_error(ErrorKind::unreachable, Step::connect,
                                "cannot resolve host '" + host + "': " + ec.message()));
    }
    co_await asio::async_connect(socket_, results, redirect_error(use_awaitable, ec));
  }
  if (ec) {
    Error e = io_error(ec, Step::connect, timeout, "connect");
    watchdog_.disarm();
    close();
    co_return fail(std::move(e));
  }
  watchdog_.disarm();
  socket_.set_option(tcp::no_delay(true), ec);  // request/response frames: never wait for Nagle
  socket_.non_blocking(true, ec);               // write() tries a direct send first
  co_return Result<void, Error>{};
}

awaitable<Result<void, Error>> TcpStream::write(std::span<const std::uint8_t> data,
                                                std::chrono::steady_clock::duration timeout, Step step) {
  // A request frame almost always fits the socket buffer: try a non-blocking send first, so the
  // common case completes without a posted completion handler (and the extra epoll_wait the
  // scheduler runs for it); fall back to async_write for whatever is left.
  boost::system::error_code ec;
  std::size_t sent = socket_.write_some(asio::buffer(data.data(), data.size()), ec);
  if (!ec && sent == data.size()) co_return Result<void, Error>{};
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
    co_return fail(io_error(ec, step, timeout, "write"));
  }
  if (ec) sent = 0;
  ec.clear();
  watchdog_.arm(timeout);
  co_await asio::async_write(socket_, asio::buffer(data.data() + sent, data.size() - sent),
                             redirect_error(use_awaitable, ec));
  watchdog_.disarm();
  if (ec) co_return fail(io_error(ec, step, timeout, "write"));
  co_return Result<void, Error>{};
}

awaitable<Result<std::size_t, Error>> TcpStream::read_some(std::span<std::uint8_t> buffer,
                                                           std::chrono::steady_clock::duration timeout, Step step) {
  read_timeout_ = timeout;  // only for the message
  co_return co_await read_some_until(buffer, std::chrono::steady_clock::now() + timeout, step);
}

awaitable<Result<std::size_t, Error>> TcpStream::read_some_until(std::span<std::uint8_t> buffer,
                                                                 std::chrono::steady_clock::time_point deadline,
                                                                 Step step) {
  const auto timeout = std::exchange(read_timeout_, std::nullopt);
  boost::system::error_code ec;
  watchdog_.arm_until(deadline);
  const std::size_t n =
      co_await socket_.async_read_some(asio::buffer(buffer.data(), buffer.size()), redirect_error(use_awaitable, ec));
  watchdog_.disarm();
  if (ec) co_return fail(io_error(ec, step, timeout, "read"));
  co_return n;
}

awaitable<Result<std::span<const std::uint8_t>, Error>> TcpStream::read_available_until(
    std::chrono::steady_clock::time_point deadline, Step step) {
  // A response frame fits easily: HDLC frames are at most ~2 KB, the wrapper's APDUs are read
  // in several calls when larger.
  // On the heap, made on first use: a thread_local array would sit in the static TLS of every
  // thread, the HTTP server's hundreds of workers included.
  thread_local const auto buffer = std::make_unique<std::array<std::uint8_t, 4096>>();
  auto& shared = *buffer;
  const auto timeout = std::exchange(read_timeout_, std::nullopt);
  for (;;) {
    boost::system::error_code ec;
    watchdog_.arm_until(deadline);
    co_await socket_.async_wait(tcp::socket::wait_read, redirect_error(use_awaitable, ec));
    watchdog_.disarm();
    if (ec) co_return fail(io_error(ec, step, timeout, "read"));
    // No co_await from here to the caller's use of the bytes: nobody else can overwrite them.
    const std::size_t n = socket_.read_some(asio::buffer(shared), ec);  // non-blocking (connect)
    if (ec == asio::error::would_block || ec == asio::error::try_again) continue;  // spurious wake-up
    if (ec) co_return fail(io_error(ec, step, timeout, "read"));
    co_return std::span<const std::uint8_t>(shared.data(), n);
  }
}

}  // namespace bridge::transport
