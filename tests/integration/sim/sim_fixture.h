#pragma once
// Integration-test helpers for dlms-meter-sim: start the real binary on ephemeral ports, talk
// to it with raw sockets and the dlms codec, query the control endpoint.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "dlms/bytes.h"
#include "dlms/hdlc/address.h"
#include "dlms/hdlc/frame.h"
#include "dlms/hdlc/frame_decoder.h"
#include "testing/process.h"

namespace sim_it {

using dlms::Bytes;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

inline Bytes hex(std::string_view text) {
  auto b = dlms::from_hex(text);
  EXPECT_TRUE(b.has_value()) << text;
  return b ? *b : Bytes{};
}

// The simulator as a child process. Always adds --listen 127.0.0.1:0 --control 127.0.0.1:0.
class SimProcess {
 public:
  explicit SimProcess(std::vector<std::string> args) {
    std::vector<std::string> argv{testing_support::bin("dlms-meter-sim"), "--listen", "127.0.0.1:0", "--control",
                                  "127.0.0.1:0"};
    argv.insert(argv.end(), args.begin(), args.end());
    child_ = testing_support::Child(argv, dir_ / "sim.log");
    std::smatch m;
    bool ready = testing_support::wait_until(
        [&] {
          log_ = child_.log();
          static const std::regex kLine(R"(listening meters=(\d+) .* port=(\d+) last_port=(\d+) control=(\d+))");
          return std::regex_search(log_, m, kLine);
        },
        10s);
    EXPECT_TRUE(ready) << log_;
    if (ready) {
      port_ = std::stoi(m[2]);
      last_port_ = std::stoi(m[3]);
      control_ = std::stoi(m[4]);
    }
  }
  ~SimProcess() {
    if (::testing::Test::HasFailure()) std::cerr << "---- dlms-meter-sim log ----\n" << child_.log() << "\n";
  }

  int port() const { return port_; }
  int last_port() const { return last_port_; }
  int control_port() const { return control_; }
  testing_support::Child& child() { return child_; }
  std::string log() const { return child_.log(); }

  nlohmann::json get(const std::string& path) {
    auto r = testing_support::http("GET", control_, path);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return nlohmann::json::parse(r.body, nullptr, false);
  }
  nlohmann::json post(const std::string& path, const std::string& body = "{}") {
    auto r = testing_support::http("POST", control_, path, body, {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return nlohmann::json::parse(r.body, nullptr, false);
  }
  std::uint64_t count(int meter, const std::string& kind) {
    return get("/api/v1/meters/" + std::to_string(meter) + "/counts")[kind].get<std::uint64_t>();
  }

 private:
  testing_support::TempDir dir_;
  testing_support::Child child_;
  std::string log_;
  int port_ = 0;
  int last_port_ = 0;
  int control_ = 0;
};

// A blocking TCP client with bounded waits.
class RawClient {
 public:
  RawClient() = default;
  explicit RawClient(int port) { connect(port); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  ~RawClient() { close(); }

  bool connect(int port) {
    close();
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close();
      return false;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return true;
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool send(const Bytes& bytes) {
    return fd_ >= 0 && ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }

  // One read: bytes that arrived within `timeout` (empty on timeout); sets eof_ on close.
  Bytes read_some(std::chrono::milliseconds timeout, std::size_t* reads = nullptr) {
    pollfd p{fd_, POLLIN, 0};
    if (fd_ < 0 || ::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return {};
    std::uint8_t buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
      return {};
    }
    if (reads) ++*reads;
    return Bytes(buf, buf + n);
  }
  // Everything until `quiet` passes without new bytes (or `limit`); counts recv() calls.
  Bytes read_until_quiet(std::chrono::milliseconds quiet, std::chrono::milliseconds limit = 5s,
                         std::size_t* reads = nullptr) {
    Bytes all;
    auto end = Clock::now() + limit;
    while (Clock::now() < end && !eof_) {
      auto chunk = read_some(quiet, reads);
      if (chunk.empty()) break;
      all.insert(all.end(), chunk.begin(), chunk.end());
    }
    return all;
  }
  // The next complete frame (bad frames are skipped and counted in errors()).
  // With stop_on_error, a frame error ends the wait at once (nullopt).
  std::optional<dlms::hdlc::Frame> read_frame(std::chrono::milliseconds timeout = 5s, bool stop_on_error = false) {
    auto end = Clock::now() + timeout;
    for (;;) {
      auto r = decoder_.next();
      if (auto* f = std::get_if<dlms::hdlc::Frame>(&r)) return *f;
      if (auto* e = std::get_if<dlms::hdlc::FrameError>(&r)) {
        errors_.push_back(*e);
        if (stop_on_error) return std::nullopt;
        continue;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
      if (left.count() <= 0 || eof_) return std::nullopt;
      auto chunk = read_some(left);
      if (!chunk.empty()) {
        raw_.insert(raw_.end(), chunk.begin(), chunk.end());
        decoder_.feed(chunk);
      }
    }
  }
  // True once the peer closed the connection within timeout.
  bool wait_closed(std::chrono::milliseconds timeout = 5s) {
    auto end = Clock::now() + timeout;
    while (!eof_ && Clock::now() < end) {
      auto chunk = read_some(50ms);
      raw_.insert(raw_.end(), chunk.begin(), chunk.end());
    }
    return eof_;
  }
  bool eof() const { return eof_; }
  const std::vector<dlms::hdlc::FrameError>& errors() const { return errors_; }
  const Bytes& raw() const { return raw_; }
  dlms::hdlc::FrameDecoder& decoder() { return decoder_; }

 private:
  int fd_ = -1;
  bool eof_ = false;
  dlms::hdlc::FrameDecoder decoder_;
  std::vector<dlms::hdlc::FrameError> errors_;
  Bytes raw_;
};

// SNRM from client SAP `client` to server {logical, physical, size}.
inline Bytes snrm(std::uint16_t logical, std::uint16_t physical, std::uint8_t size, std::uint8_t client = 1) {
  dlms::hdlc::Frame f;
  f.destination = *dlms::hdlc::encode_server_address({logical, physical, size});
  f.source = *dlms::hdlc::encode_client_address(client);
  f.control = dlms::hdlc::control::snrm();
  return *dlms::hdlc::encode(f);
}

inline const char* kProductionSnrm = "7E A0 07 03 03 93 8C 11 7E";

}  // namespace sim_it
