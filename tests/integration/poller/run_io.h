#pragma once
// Drives a fixture's io_context in 10 ms steps until `pred` holds or `timeout` passes; shared
// by the poller integration fixtures (sim, HLS-GMAC, clock/failover/timeouts).
#include <chrono>
#include <functional>

#include "bridge/asio.h"

namespace poller_it {

inline bool run_io_until(boost::asio::io_context& io, const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    io.run_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace poller_it
