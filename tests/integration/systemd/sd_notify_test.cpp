// `dlms-bridge run` under a Type=notify unit, with the test in systemd's place: NOTIFY_SOCKET is
// a datagram socket the test owns, WATCHDOG_USEC the unit's WatchdogSec=.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing_support::bin;
using testing_support::Child;
using testing_support::free_port;
using testing_support::TempDir;
using testing_support::write_file;

constexpr auto kWatchdog = 1000ms;  // WatchdogSec=1s: the bridge pings every 500 ms

struct Notification {
  Clock::time_point at;
  std::string text;
};

// The systemd side of sd_notify(3): a bound AF_UNIX datagram socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    bound_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~NotifySocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool bound() const { return bound_; }

  // The next datagram, or nullopt after `timeout`.
  std::optional<Notification> receive(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    char buf[4096];
    const auto n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n < 0) return std::nullopt;
    return Notification{Clock::now(), std::string(buf, static_cast<std::size_t>(n))};
  }
  // Every datagram that arrives within `window`.
  std::vector<Notification> collect(std::chrono::milliseconds window) {
    std::vector<Notification> out;
    const auto end = Clock::now() + window;
    while (Clock::now() < end) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
      if (auto n = receive(std::max(left, 1ms))) out.push_back(std::move(*n));
    }
    return out;
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  bool bound_ = false;
};

bool contains(const std::string& text, const std::string& line) {
  return ("\n" + text + "\n").find("\n" + line + "\n") != std::string::npos;
}

std::vector<Notification> watchdog_pings(const std::vector<Notification>& all) {
  std::vector<Notification> out;
  for (const auto& n : all) {
    if (contains(n.text, "WATCHDOG=1")) out.push_back(n);
  }
  return out;
}

class SdNotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(socket_.bound()) << "cannot bind " << (dir_ / "notify.sock");
    http_port_ = free_port();
    config_text_ = "[bridge]\ninstance = \"notify-test\"\nallow_no_meters = true\nstate_dir = \"" + (dir_ / "state").string() +
                   "\"\n[http]\nlisten = \"127.0.0.1:" + std::to_string(http_port_) +
                   "\"\n[mqtt]\nenabled = false\n[store]\npath = \"" + (dir_ / "state/bridge.db").string() + "\"\n";
    write_file(config_path(), config_text_);
    bridge_ = Child({bin("dlms-bridge"), "run", "--config", config_path()}, dir_ / "bridge.log",
                    {{"NOTIFY_SOCKET", (dir_ / "notify.sock").string()},
                     {"WATCHDOG_USEC", std::to_string(std::chrono::microseconds(kWatchdog).count())}});
  }

  std::string config_path() const { return (dir_ / "bridge.toml").string(); }

  // Waits for READY=1, skipping anything before it.
  std::optional<Notification> wait_ready() {
    const auto end = Clock::now() + 20s;
    while (Clock::now() < end) {
      auto n = socket_.receive(1000ms);
      if (n && contains(n->text, "READY=1")) return n;
    }
    return std::nullopt;
  }

  TempDir dir_;
  NotifySocket socket_{dir_ / "notify.sock"};
  int http_port_ = 0;
  std::string config_text_;
  Child bridge_;
};

TEST_F(SdNotifyTest, ready_arrives_once_http_listens_with_a_status_line) {
  auto ready = wait_ready();
  ASSERT_TRUE(ready) << bridge_.log();
  // No retry: READY=1 promises the HTTP server already accepts connections.
  auto r = testing_support::http("GET", http_port_, "/-/healthy");
  EXPECT_EQ(r.status, 200) << "READY=1 arrived before the HTTP server listened\n" << bridge_.log();
  EXPECT_TRUE(contains(ready->text, "STATUS=meters up 0/0, MQTT disabled")) << ready->text;
}

TEST_F(SdNotifyTest, watchdog_pings_arrive_within_the_configured_period) {
  ASSERT_TRUE(wait_ready()) << bridge_.log();
  auto pings = watchdog_pings(socket_.collect(3500ms));
  // Half the period apart: ~7 in 3.5 s; at least one per period is the contract with systemd.
  ASSERT_GE(pings.size(), 3u) << bridge_.log();
  for (std::size_t i = 1; i < pings.size(); ++i) {
    EXPECT_LT(pings[i].at - pings[i - 1].at, kWatchdog) << "gap before ping " << i;
  }
  EXPECT_LE(pings.size(), 20u) << "pinging far more often than every half period";
}

// A blocked event loop must stop feeding the watchdog. The block is a real one: on SIGHUP the
// loop reads the config file, and the test has replaced that file by a FIFO with no writer
// (like a config on a hung network mount), so open() blocks the loop until the test writes.
TEST_F(SdNotifyTest, watchdog_pings_stop_while_the_event_loop_is_blocked_and_resume_after) {
  ASSERT_TRUE(wait_ready()) << bridge_.log();
  ASSERT_GE(watchdog_pings(socket_.collect(1200ms)).size(), 1u) << bridge_.log();

  ASSERT_EQ(::unlink(config_path().c_str()), 0);
  ASSERT_EQ(::mkfifo(config_path().c_str(), 0600), 0);
  ASSERT_EQ(bridge_.signal(SIGHUP), 0);
  // Anything already in flight arrives first; after that, silence for two watchdog periods
  // (systemd would have killed the bridge after one).
  socket_.collect(300ms);
  auto during = watchdog_pings(socket_.collect(2 * kWatchdog));
  EXPECT_TRUE(during.empty()) << during.size() << " pings while the loop was blocked";
  EXPECT_TRUE(bridge_.running());

  {
    std::ofstream fifo(config_path());  // unblocks the loop's open()
    fifo << config_text_;
  }
  auto after = watchdog_pings(socket_.collect(2 * kWatchdog));
  EXPECT_GE(after.size(), 1u) << "the watchdog did not resume after the loop was unblocked\n" << bridge_.log();
}

TEST_F(SdNotifyTest, stopping_is_announced_on_sigterm) {
  ASSERT_TRUE(wait_ready()) << bridge_.log();
  ASSERT_EQ(bridge_.signal(SIGTERM), 0);
  bool stopping = false;
  for (const auto& n : socket_.collect(3000ms)) stopping = stopping || contains(n.text, "STOPPING=1");
  EXPECT_TRUE(stopping);
  EXPECT_EQ(bridge_.wait(10s), 0) << bridge_.log();
}

}  // namespace
