#pragma once
// A TCP connection where every operation has its own deadline and every failure is an Error
// value (refused / unreachable / timeout / closed / cancelled). No protocol knowledge.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "bridge/result.h"
#include "bridge/asio.h"
#include "bridge/transport/error.h"
#include "bridge/transport/watchdog.h"

namespace bridge::transport {

class TcpStream {
 public:
  explicit TcpStream(asio::any_io_executor ex);
  TcpStream(const TcpStream&) = delete;
  TcpStream& operator=(const TcpStream&) = delete;

  // Resolves `host` (IP literals need no resolver) and connects, within `timeout` overall.
  awaitable<Result<void, Error>> connect(std::string host, std::uint16_t port,
                                         std::chrono::steady_clock::duration timeout);
  // Writes all of `data` within `timeout`.
  awaitable<Result<void, Error>> write(std::span<const std::uint8_t> data,
                                       std::chrono::steady_clock::duration timeout, Step step);
  // Reads what is available (at least one byte) within `timeout`. EOF is an Error (closed).
  awaitable<Result<std::size_t, Error>> read_some(std::span<std::uint8_t> buffer,
                                                  std::chrono::steady_clock::duration timeout, Step step);
  // The same with an absolute deadline (no clock read when the caller already has one).
  awaitable<Result<std::size_t, Error>> read_some_until(std::span<std::uint8_t> buffer,
                                                        std::chrono::steady_clock::time_point deadline, Step step);
  // Waits until bytes are available (or the deadline), then reads them into a buffer shared
  // by every stream on this thread: one receive buffer per io thread instead of 4 KB per meter.
  // The bytes stay valid only until the caller's next co_await. EOF is an Error (closed).
  awaitable<Result<std::span<const std::uint8_t>, Error>> read_available_until(
      std::chrono::steady_clock::time_point deadline, Step step);

  // Aborts any pending operation now; it completes with ErrorKind::cancelled.
  void cancel();
  // Closes the socket (idempotent).
  void close();
  bool is_open() const { return socket_.is_open(); }
  std::uint64_t watchdog_trips() const { return watchdog_.trips(); }
  const std::string& peer() const { return peer_; }  // "host:port" for messages

 private:
  Error io_error(const boost::system::error_code& ec, Step step,
                 std::optional<std::chrono::steady_clock::duration> timeout, std::string_view what) const;

  tcp::socket socket_;
  StepWatchdog watchdog_;
  bool cancelled_ = false;
  std::optional<std::chrono::steady_clock::duration> read_timeout_;  // for read_some's timeout message
  std::string peer_;
};

// "7s", "250ms", "1.5s" style text of a duration, for messages.
std::string format_duration(std::chrono::steady_clock::duration d);

}  // namespace bridge::transport
