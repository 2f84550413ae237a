#pragma once
// File descriptors the service needs at most, checked against RLIMIT_NOFILE at start-up and on
// every reload. A fleet larger than the limit used to start anyway: connects failed with EMFILE
// ("unreachable"), and once the last descriptor was taken the HTTP server could not accept a
// scrape or a health probe for minutes, so the bridge went blind exactly when it was in trouble.
#include <cstdint>
#include <optional>
#include <string>

#include "bridge/config/config.h"

namespace bridge::app {

// Store (two SQLite connections with their WAL and shm files), the MQTT connection, the HTTP
// listener, the io_context's epoll/eventfd/timerfd, the log, /proc reads of the process
// collector and the config file during a reload: measured at 21 with two meters.
inline constexpr std::uint64_t kFdReserve = 64;

struct FdBudget {
  std::uint64_t meter_sockets = 0;  // one per enabled meter of this instance
  std::uint64_t mqtt_sockets = 0;   // device mode: one connection per meter token
  std::uint64_t http_connections = 0;
  std::uint64_t reserve = kFdReserve;
  std::uint64_t total() const { return meter_sockets + mqtt_sockets + http_connections + reserve; }
};

FdBudget fd_budget(const config::Config& cfg);

// nullopt when `budget` fits under `limit`; otherwise what does not fit and what to change.
std::optional<std::string> fd_budget_problem(const FdBudget& budget, std::uint64_t limit);

}  // namespace bridge::app
