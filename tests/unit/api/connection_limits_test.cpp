// Connection hardening of HttpServer with raw sockets: the connection limit closes extra
// connections at once, idle and dripping clients are cut off after read_header_timeout, and
// the counters for both are exported. CivetWeb's own protocol errors are JSON too.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "bridge/api/http_server.h"
#include "bridge/prometheus/collector.h"
#include "bridge/prometheus/text_writer.h"
#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using bridge::api::HttpOptions;
using bridge::api::HttpServer;

class Socket {
 public:
  explicit Socket(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Socket() { close(); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  bool ok() const { return fd_ >= 0; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool send(std::string_view data) {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  // Everything the server sends until it closes the connection; nullopt if it is still open
  // after `timeout` (the "not answered" criterion; no latency is asserted).
  std::optional<std::string> read_until_closed(std::chrono::milliseconds timeout) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buf[4096];
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return out;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return std::nullopt;
  }

 private:
  int fd_ = -1;
};

std::unique_ptr<HttpServer> start(HttpOptions o) {
  o.listen = "127.0.0.1:0";
  auto s = HttpServer::start(o);
  if (!s) ADD_FAILURE() << s.error().message;
  return s ? std::move(*s) : nullptr;
}

// A sample of the server's connection families, read straight from the collector (a scrape
// would itself need a connection).
double sample(const HttpServer& server, const std::string& name) {
  std::string text;
  bridge::prometheus::TextWriter writer(text);
  server.connection_metrics()->collect(writer);
  const auto at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name.size() + 2));
}

TEST(ConnectionLimitsTest, connections_beyond_max_connections_are_closed_at_once_and_counted) {
  HttpOptions o;
  o.max_connections = 3;
  o.read_header_timeout = 30s;  // the idle sockets below must stay open for the whole test
  auto s = start(o);
  ASSERT_TRUE(s);
  std::vector<std::unique_ptr<Socket>> idle;
  for (int i = 0; i < 3; ++i) idle.push_back(std::make_unique<Socket>(s->port()));
  ASSERT_TRUE(testing_support::wait_until(
      [&] { return sample(*s, "dlms_bridge_http_connections_open") == 3; }, 5s));

  Socket extra(s->port());
  ASSERT_TRUE(extra.ok());  // the kernel completes the handshake; the server closes it at once
  auto answer = extra.read_until_closed(5s);
  ASSERT_TRUE(answer) << "the connection over the limit was left open";
  EXPECT_NE(answer->find("503"), std::string::npos) << *answer;
  EXPECT_NE(answer->find("{\"error\":\"too many connections"), std::string::npos) << *answer;
  EXPECT_EQ(sample(*s, "dlms_bridge_http_connections_rejected_total"), 1);

  idle.front()->close();  // a slot frees up: requests are served again
  ASSERT_TRUE(testing_support::wait_until(
      [&] { return sample(*s, "dlms_bridge_http_connections_open") == 2; }, 5s));
  EXPECT_EQ(testing_support::http("GET", s->port(), "/-/healthy", {}, {}, 5s).status, 200);
  EXPECT_EQ(sample(*s, "dlms_bridge_http_connections_max"), 3);
}

TEST(ConnectionLimitsTest, idle_and_dripping_clients_are_cut_off_after_read_header_timeout) {
  HttpOptions o;
  o.read_header_timeout = 400ms;
  auto s = start(o);
  ASSERT_TRUE(s);

  Socket idle(s->port());
  ASSERT_TRUE(idle.ok());
  EXPECT_TRUE(idle.read_until_closed(10s)) << "an idle connection was never closed";

  // One header byte every 100 ms never completes a request: the deadline is for the whole
  // header, not per read.
  Socket drip(s->port());
  ASSERT_TRUE(drip.ok());
  const std::string request = "GET /-/healthy HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
  bool closed = false;
  for (std::size_t i = 0; i < request.size() && !closed; ++i) {
    closed = !drip.send(request.substr(i, 1));
    std::this_thread::sleep_for(100ms);
  }
  auto rest = drip.read_until_closed(10s);
  ASSERT_TRUE(closed || rest) << "a dripping connection was never closed";
  if (rest) {
    EXPECT_EQ(rest->find("200 OK"), std::string::npos) << *rest;
  }

  ASSERT_TRUE(testing_support::wait_until(
      [&] { return sample(*s, "dlms_bridge_http_connections_timed_out_total") == 2; }, 5s))
      << sample(*s, "dlms_bridge_http_connections_timed_out_total");
  EXPECT_EQ(testing_support::http("GET", s->port(), "/-/healthy", {}, {}, 5s).status, 200);
  EXPECT_EQ(sample(*s, "dlms_bridge_http_connections_timed_out_total"), 2);  // a quick request is not one
}

TEST(ConnectionLimitsTest, a_kept_alive_connection_is_closed_after_idle_timeout_and_counted) {
  HttpOptions o;
  o.read_header_timeout = 30s;  // only idle_timeout can close the connection within the test
  o.idle_timeout = 400ms;
  auto s = start(o);
  ASSERT_TRUE(s);

  Socket kept(s->port());
  ASSERT_TRUE(kept.ok());
  ASSERT_TRUE(kept.send("GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n"));  // keep-alive by default
  auto answer = kept.read_until_closed(10s);
  ASSERT_TRUE(answer) << "a kept-alive connection that sent nothing more was never closed";
  EXPECT_NE(answer->find("200 OK"), std::string::npos) << *answer;  // its request was answered first
  ASSERT_TRUE(testing_support::wait_until(
      [&] { return sample(*s, "dlms_bridge_http_connections_timed_out_total") == 1; }, 5s))
      << sample(*s, "dlms_bridge_http_connections_timed_out_total");
}

TEST(ConnectionLimitsTest, protocol_errors_civetweb_answers_itself_are_json_without_echo) {
  auto s = start(HttpOptions{});
  ASSERT_TRUE(s);
  struct Case {
    std::string raw;
    int status;
  };
  const std::vector<Case> cases = {
      {"GET /-/healthy HTTP/3.0\r\n\r\n", 505},
      {"BREW /-/healthy HTTP/1.1\r\n\r\n", 400},
      {"GET /-/healthy HTTP/1.1\r\nX-Big: " + std::string(40000, 'a') + "\r\n\r\n", 0},  // 4xx of CivetWeb's choice
      {"GET /-/healthy HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 0},
      {"OPTIONS /-/healthy HTTP/1.1\r\nConnection: close\r\n\r\n", 405},
      {"PROPFIND /nope HTTP/1.1\r\nConnection: close\r\n\r\n", 404},
      {"GET /%ff HTTP/1.1\r\nConnection: close\r\n\r\n", 400},
  };
  for (const auto& c : cases) {
    Socket sock(s->port());
    ASSERT_TRUE(sock.ok());
    sock.send(c.raw);
    auto answer = sock.read_until_closed(5s);
    ASSERT_TRUE(answer) << c.raw.substr(0, 40);
    ASSERT_GE(answer->size(), 12u) << c.raw.substr(0, 40);
    const int status = std::stoi(answer->substr(9, 3));
    if (c.status != 0) {
      EXPECT_EQ(status, c.status) << c.raw.substr(0, 40);
    }
    EXPECT_GE(status, 400) << c.raw.substr(0, 40);
    EXPECT_LT(status, 600);
    const auto body = answer->substr(answer->find("\r\n\r\n") + 4);
    auto j = nlohmann::json::parse(body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << *answer;
    EXPECT_TRUE(j.contains("error")) << *answer;
    EXPECT_EQ(body.find("HTTP/3.0"), std::string::npos) << body;  // nothing of the request echoed
    EXPECT_EQ(body.find("BREW"), std::string::npos) << body;
  }
  EXPECT_EQ(testing_support::http("GET", s->port(), "/-/healthy").status, 200);
}

}  // namespace
