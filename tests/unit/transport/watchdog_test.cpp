// StepWatchdog: fires only while an operation is armed and its (possibly moved) deadline passed.
#include "bridge/transport/watchdog.h"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using bridge::transport::StepWatchdog;
namespace asio = boost::asio;

TEST(StepWatchdogTest, fires_once_the_armed_deadline_passes) {
  asio::io_context io;
  int expired = 0;
  StepWatchdog w(io.get_executor(), [&] { ++expired; });
  w.arm(30ms);
  io.run_for(500ms);
  EXPECT_EQ(expired, 1);
  EXPECT_TRUE(w.fired());
  EXPECT_EQ(w.trips(), 1u);
}

TEST(StepWatchdogTest, a_disarmed_operation_never_fires) {
  asio::io_context io;
  int expired = 0;
  StepWatchdog w(io.get_executor(), [&] { ++expired; });
  w.arm(30ms);
  w.disarm();
  io.run_for(200ms);
  EXPECT_EQ(expired, 0);
  EXPECT_FALSE(w.fired());
}

TEST(StepWatchdogTest, moving_the_deadline_later_is_honoured_without_firing_early) {
  asio::io_context io;
  int expired = 0;
  StepWatchdog w(io.get_executor(), [&] { ++expired; });
  const auto start = std::chrono::steady_clock::now();
  w.arm(30ms);
  w.arm(150ms);  // later: the timer keeps its old expiry, wakes, and waits again
  std::chrono::steady_clock::duration fired_after{};
  while (expired == 0 && std::chrono::steady_clock::now() - start < 2s) io.run_one_for(10ms);
  fired_after = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(expired, 1);
  EXPECT_GE(fired_after, 150ms);
}

TEST(StepWatchdogTest, moving_the_deadline_earlier_takes_effect) {
  asio::io_context io;
  int expired = 0;
  StepWatchdog w(io.get_executor(), [&] { ++expired; });
  const auto start = std::chrono::steady_clock::now();
  w.arm(10s);
  w.arm(30ms);
  while (expired == 0 && std::chrono::steady_clock::now() - start < 5s) io.run_one_for(10ms);
  EXPECT_EQ(expired, 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(StepWatchdogTest, destroying_it_with_a_pending_wait_is_safe) {
  asio::io_context io;
  int expired = 0;
  {
    StepWatchdog w(io.get_executor(), [&] { ++expired; });
    w.arm(10ms);
  }
  io.run_for(100ms);
  EXPECT_EQ(expired, 0);
}

}  // namespace
