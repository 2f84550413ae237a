// TcpStream: each operation ends within its deadline and says why it failed.
#include "bridge/transport/tcp_stream.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "run_coro.h"
#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using bridge::transport::ErrorKind;
using bridge::transport::Step;
using bridge::transport::TcpStream;
using bridge::tcp;
using bridge::transport::test::run_coro;
namespace asio = boost::asio;

// A loopback listener on an ephemeral port; what it does with accepted sockets is up to the test.
struct Listener {
  explicit Listener(asio::io_context& io) : acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }
  tcp::acceptor acceptor;
  tcp::socket peer{acceptor.get_executor()};
  void accept() {
    acceptor.async_accept(peer, [](const boost::system::error_code&) {});
  }
};

TEST(TcpStreamTest, nothing_listening_is_refused) {
  asio::io_context io;
  const int port = testing_support::free_port();
  TcpStream stream(io.get_executor());
  auto r = run_coro(io, stream.connect("127.0.0.1", static_cast<std::uint16_t>(port), 2s));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::refused);
  EXPECT_EQ(r.error().step, Step::connect);
  EXPECT_NE(r.error().message.find("connection refused"), std::string::npos) << r.error().message;
  EXPECT_FALSE(stream.is_open());
}

TEST(TcpStreamTest, unresolvable_host_is_unreachable) {
  asio::io_context io;
  TcpStream stream(io.get_executor());
  auto r = run_coro(io, stream.connect("no-such-host.invalid", 4059, 2s));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::unreachable);
  EXPECT_NE(r.error().message.find("no-such-host.invalid"), std::string::npos) << r.error().message;
}

TEST(TcpStreamTest, silent_server_read_times_out_at_the_configured_deadline) {
  asio::io_context io;
  Listener server(io);
  server.accept();
  TcpStream stream(io.get_executor());
  ASSERT_TRUE(run_coro(io, stream.connect("127.0.0.1", server.port(), 2s)));
  std::array<std::uint8_t, 64> buf{};
  const auto start = std::chrono::steady_clock::now();
  auto r = run_coro(io, stream.read_some(buf, 300ms, Step::request));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::timeout);
  EXPECT_EQ(r.error().step, Step::request);
  EXPECT_NE(r.error().message.find("300ms"), std::string::npos) << r.error().message;
  EXPECT_GE(elapsed, 300ms);  // not early ...
  EXPECT_LT(elapsed, 10s);    // ... and not "forever" (the bug of stacks whose timeout never fires)
  EXPECT_EQ(stream.watchdog_trips(), 1u);
}

TEST(TcpStreamTest, data_arriving_before_the_deadline_is_returned_and_disarms_it) {
  asio::io_context io;
  Listener server(io);
  server.accept();
  TcpStream stream(io.get_executor());
  ASSERT_TRUE(run_coro(io, stream.connect("127.0.0.1", server.port(), 2s)));
  io.restart();
  io.run_for(50ms);  // let the accept handler run
  const std::array<std::uint8_t, 3> hello{0x7E, 0xA0, 0x07};
  asio::write(server.peer, asio::buffer(hello));
  std::array<std::uint8_t, 64> buf{};
  auto r = run_coro(io, stream.read_some(buf, 2s, Step::request));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, 3u);
  // The old deadline must not fire into a later step.
  io.restart();
  io.run_for(100ms);
  EXPECT_EQ(stream.watchdog_trips(), 0u);
}

TEST(TcpStreamTest, peer_close_is_closed_not_timeout) {
  asio::io_context io;
  Listener server(io);
  server.accept();
  TcpStream stream(io.get_executor());
  ASSERT_TRUE(run_coro(io, stream.connect("127.0.0.1", server.port(), 2s)));
  io.restart();
  io.run_for(50ms);
  server.peer.close();
  std::array<std::uint8_t, 64> buf{};
  auto r = run_coro(io, stream.read_some(buf, 5s, Step::request));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::closed);
  EXPECT_NE(r.error().message.find("peer closed"), std::string::npos) << r.error().message;
}

TEST(TcpStreamTest, cancel_aborts_a_pending_read_as_cancelled) {
  asio::io_context io;
  Listener server(io);
  server.accept();
  TcpStream stream(io.get_executor());
  ASSERT_TRUE(run_coro(io, stream.connect("127.0.0.1", server.port(), 2s)));
  asio::steady_timer t(io, 50ms);
  t.async_wait([&](const boost::system::error_code&) { stream.cancel(); });
  std::array<std::uint8_t, 64> buf{};
  auto r = run_coro(io, stream.read_some(buf, 10s, Step::request));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::cancelled);
}

// read_available_until: the same promises, bytes from the thread's shared receive buffer.
TEST(TcpStreamTest, read_available_returns_the_bytes_that_arrived) {
  asio::io_context io;
  Listener server(io);
  server.accept();
  TcpStream stream(io.get_executor());
  ASSERT_TRUE(run_coro(io, stream.connect("127.0.0.1", server.port(), 2s)));
  io.restart();
  io.run_for(50ms);
  const std::array<std::uint8_t, 3> hello{0x7E, 0xA0, 0x07};
  asio::write(server.peer, asio::buffer(hello));
  auto r = run_coro(io, stream.read_available_until(std::chrono::steady_clock::now() + 2s, Step::request));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(std::vector<std::uint8_t>(r->begin(), r->end()), std::vector<std::uint8_t>(hello.begin(), hello.end()));
  io.restart();
  io.run_for(100ms);
  EXPECT_EQ(stream.watchdog_trips(), 0u);
}

TEST(TcpStreamTest, read_available_from_a_silent_server_times_out) {
  asio::io_context io;
  Listener server(io);
  server.accept();
  TcpStream stream(io.get_executor());
  ASSERT_TRUE(run_coro(io, stream.connect("127.0.0.1", server.port(), 2s)));
  auto r = run_coro(io, stream.read_available_until(std::chrono::steady_clock::now() + 200ms, Step::request));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::timeout);
  EXPECT_EQ(r.error().step, Step::request);
  EXPECT_EQ(stream.watchdog_trips(), 1u);
}

TEST(TcpStreamTest, read_available_after_peer_close_is_closed) {
  asio::io_context io;
  Listener server(io);
  server.accept();
  TcpStream stream(io.get_executor());
  ASSERT_TRUE(run_coro(io, stream.connect("127.0.0.1", server.port(), 2s)));
  io.restart();
  io.run_for(50ms);
  server.peer.close();
  auto r = run_coro(io, stream.read_available_until(std::chrono::steady_clock::now() + 5s, Step::request));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::closed);
  EXPECT_NE(r.error().message.find("peer closed"), std::string::npos) << r.error().message;
}

TEST(TcpStreamTest, cancel_aborts_a_pending_read_available_as_cancelled) {
  asio::io_context io;
  Listener server(io);
  server.accept();
  TcpStream stream(io.get_executor());
  ASSERT_TRUE(run_coro(io, stream.connect("127.0.0.1", server.port(), 2s)));
  asio::steady_timer t(io, 50ms);
  t.async_wait([&](const boost::system::error_code&) { stream.cancel(); });
  auto r = run_coro(io, stream.read_available_until(std::chrono::steady_clock::now() + 10s, Step::request));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::cancelled);
}

}  // namespace
