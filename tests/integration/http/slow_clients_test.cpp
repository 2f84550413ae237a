// 200 idle connections plus dripping ones (plain), or 200 TLS connections that never finish a
// handshake, held open against the real `dlms-bridge run` while other clients scrape /metrics
// and call /-/healthy and the API. The criterion is "answered" within a generous 5 s client
// timeout, not a latency bound (bench/http_slow_clients measures those).
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "bridge_process.h"
#include "testing/raw_http.h"

namespace {

using namespace std::chrono_literals;

constexpr int kIdle = 200;
constexpr int kDripping = 20;

struct Sockets {
  std::vector<int> fds;
  ~Sockets() {
    for (int fd : fds) ::close(fd);
  }
};

// Sends one byte of `text` per socket every 200 ms until stopped (slow-loris).
class Dripper {
 public:
  Dripper(std::vector<int> fds, std::string text) : fds_(std::move(fds)), text_(std::move(text)) {
    thread_ = std::thread([this] {
      for (std::size_t i = 0; !stop_ && i < text_.size(); ++i) {
        for (int fd : fds_) (void)::send(fd, &text_[i], 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        std::this_thread::sleep_for(200ms);
      }
    });
  }
  ~Dripper() {
    stop_ = true;
    thread_.join();
  }

 private:
  std::vector<int> fds_;
  std::string text_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

void expect_answers_for_everyone_else(http_it::BridgeProcess& bridge) {
  for (int round = 0; round < 3; ++round) {
    for (const char* path : {"/metrics", "/-/healthy", "/api/v1/meters", "/api/v1/health"}) {
      auto a = testing_support::raw_exchange(bridge.port(), bridge.tls(), testing_support::request_bytes("GET", path), 5s);
      ASSERT_TRUE(a) << path << " got no answer within 5 s (round " << round << ")\n" << bridge.log();
      EXPECT_TRUE(a->status == 200 || (std::string(path) == "/api/v1/health" && a->status == 503))
          << path << " " << a->status << " " << a->body;
    }
    std::this_thread::sleep_for(300ms);
  }
}

TEST(SlowClientsTest, idle_and_dripping_plain_connections_do_not_blind_the_scrape) {
  http_it::BridgeProcess bridge;
  Sockets idle, drip;
  for (int i = 0; i < kIdle; ++i) idle.fds.push_back(testing_support::open_socket(bridge.port()));
  for (int i = 0; i < kDripping; ++i) drip.fds.push_back(testing_support::open_socket(bridge.port()));
  for (int fd : idle.fds) ASSERT_GE(fd, 0);
  for (int fd : drip.fds) ASSERT_GE(fd, 0);
  Dripper dripper(drip.fds, "GET /-/healthy HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  expect_answers_for_everyone_else(bridge);
  ASSERT_TRUE(bridge.running()) << bridge.log();
}

TEST(SlowClientsTest, tls_connections_that_never_handshake_do_not_blind_the_scrape) {
  http_it::BridgeProcess bridge({.tls = true, .basic_auth = false, .extra_http = {}});
  Sockets silent, partial;
  for (int i = 0; i < kIdle; ++i) silent.fds.push_back(testing_support::open_socket(bridge.port()));
  for (int i = 0; i < kDripping; ++i) partial.fds.push_back(testing_support::open_socket(bridge.port()));
  for (int fd : silent.fds) ASSERT_GE(fd, 0);
  // The start of a ClientHello record header, then nothing more than a byte now and then.
  Dripper dripper(partial.fds, std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
  expect_answers_for_everyone_else(bridge);
  ASSERT_TRUE(bridge.running()) << bridge.log();
}

}  // namespace
