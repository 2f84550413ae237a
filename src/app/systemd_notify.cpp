#include "systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "bridge/log.h"

namespace bridge::app {
namespace {

// Without a watchdog, STATUS= is refreshed this often (systemctl status reads the latest).
constexpr auto kStatusRefresh = std::chrono::seconds(5);

}  // namespace

SystemdNotifier::SystemdNotifier(boost::asio::io_context& io, std::function<std::string()> status)
    : timer_(io), status_(std::move(status)) {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  enabled_ = socket != nullptr && *socket != '\0';
  if (!enabled_) return;
  std::uint64_t usec = 0;
  // > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID (if any) is this process.
  const int r = sd_watchdog_enabled(0, &usec);
  if (r < 0) {
    log::warn("ignoring the systemd watchdog settings", {{"error", std::string(std::strerror(-r))}});
  } else if (r > 0 && usec > 0) {
    watchdog_ = std::chrono::microseconds(usec);
  }
  // Half the period, as sd_watchdog_enabled(3) recommends: one late tick is not yet fatal.
  period_ = watchdog_ ? std::chrono::steady_clock::duration(*watchdog_ / 2) : kStatusRefresh;
  log::info("systemd notification enabled",
            {{"socket", std::string(socket)},
             {"watchdog_ms", watchdog_ ? static_cast<std::int64_t>(watchdog_->count() / 1000) : std::int64_t{0}}});
}

void SystemdNotifier::ready() {
  if (!enabled_) return;
  last_status_ = status_();
  send("READY=1\nSTATUS=" + last_status_);
  if (watchdog_) send("WATCHDOG=1");
  schedule();
}

void SystemdNotifier::stopping() {
  if (!enabled_ || stopping_) return;
  stopping_ = true;
  send("STOPPING=1\nSTATUS=stopping: disconnecting meters, flushing the outbox");
}

void SystemdNotifier::cancel() { timer_.cancel(); }

void SystemdNotifier::schedule() {
  timer_.expires_after(period_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    tick();
    schedule();
  });
}

void SystemdNotifier::tick() {
  std::string message;
  if (watchdog_) message = "WATCHDOG=1";
  if (!stopping_) {
    std::string status = status_();
    if (status != last_status_) {
      last_status_ = std::move(status);
      message += (message.empty() ? "" : "\n") + ("STATUS=" + last_status_);
    }
  }
  if (!message.empty()) send(message);
}

bool SystemdNotifier::send(const std::string& message) {
  const int r = sd_notify(0, message.c_str());
  if (r < 0) {
    log::warn("sd_notify failed", {{"error", std::string(std::strerror(-r))}});
    return false;
  }
  return true;
}

}  // namespace bridge::app
