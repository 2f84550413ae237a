#pragma once
// The sd_notify(3) side of `dlms-bridge run` for systemd's Type=notify units: READY=1 once the
// service is up, STOPPING=1 on shutdown, STATUS= lines for `systemctl status`, and the watchdog.
//
// WATCHDOG=1 is sent by a timer on the service's own io_context (every half WatchdogSec), not by
// a helper thread: when the event loop hangs, the pings stop and systemd kills and restarts the
// bridge. Without NOTIFY_SOCKET (started by hand, by a test, by another supervisor) every call
// is a no-op and no timer runs.
#include <utility>  // before Asio (Boost 1.74 awaitable.hpp uses std::exchange)

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace bridge::app {

class SystemdNotifier {
 public:
  // `status` renders the STATUS= text; it runs on the io thread at every tick.
  SystemdNotifier(boost::asio::io_context& io, std::function<std::string()> status);

  // True when systemd (or a test) listens on NOTIFY_SOCKET.
  bool enabled() const { return enabled_; }
  // WATCHDOG_USEC for this process, when the unit has WatchdogSec=.
  std::optional<std::chrono::microseconds> watchdog_period() const { return watchdog_; }

  // READY=1 with the first STATUS=, then starts the watchdog/status timer.
  void ready();
  // STOPPING=1; the timer keeps feeding the watchdog while the fleet disconnects.
  void stopping();
  // Stops the timer (before the io_context is destroyed).
  void cancel();

 private:
  void schedule();
  void tick();
  bool send(const std::string& message);

  boost::asio::steady_timer timer_;
  std::function<std::string()> status_;
  bool enabled_ = false;
  bool stopping_ = false;
  std::optional<std::chrono::microseconds> watchdog_;
  std::chrono::steady_clock::duration period_{};
  std::string last_status_;
};

}  // namespace bridge::app
