#pragma once
// The session watchdogs, as one pure policy.
//
//   silence        no successful cycle for `silence` (10 min)    -> forced reconnect + critical event
//   hdlc_errors    `max_hdlc_errors` (15) HDLC errors in a row,   -> resync: drain until quiet,
//                  without a successful read in between              then reconnect
//   failed_cycles  `max_failed_cycles` (10) cycles in a row that  -> reconnect
//                  produced no reading (connected or not)
//   preventive     connection older than `max_connection_age`, or -> reconnect (both off by default)
//                  `max_reads` successful reads on it
//
// check(now) returns at most one trip (in the order above, preventive last) and re-arms the
// tripped watchdog, so a trip is reported once per period and not on every cycle after it.
// The silence period counts from construction: a meter unreachable at start-up trips it too.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bridge/event.h"

#include "bridge/labels.h"
#include "bridge/poller/clock.h"

namespace bridge::poller {

struct WatchdogPolicy {
  Duration silence{600000};                     // 0 = off
  std::uint32_t max_hdlc_errors = 15;           // 0 = off
  std::uint32_t max_failed_cycles = 10;         // 0 = off
  std::optional<Duration> max_connection_age;   // preventive, nullopt = off
  std::uint32_t max_reads = 0;                  // preventive, 0 = off
};

enum class WatchdogTrip { silence, hdlc_errors, failed_cycles, preventive_age, preventive_reads };
std::string_view to_label(WatchdogTrip t);
// The reconnect cause a trip leads to (metric label of meter_reconnects_total{cause}).
labels::ReconnectCause reconnect_cause(WatchdogTrip t);
// The watchdog metric label, for trips that are watchdogs (preventive reconnects are not).
std::optional<labels::Watchdog> watchdog_label(WatchdogTrip t);

// What the operator is told about a trip (event severity and message). `connected`: the session
// still had an association (it reconnects) rather than retrying to connect already.
struct WatchdogNotice {
  Severity severity = Severity::warning;
  std::string message;
};
WatchdogNotice watchdog_notice(WatchdogTrip t, const WatchdogPolicy& policy, bool connected);

class Watchdogs {
 public:
  Watchdogs(WatchdogPolicy policy, TimePoint start);

  void on_connected(TimePoint now);
  void on_disconnected();
  // One successful read: ends an HDLC error streak and counts toward the preventive read limit.
  void on_read_ok();
  void on_hdlc_error();
  // End of a scheduled cycle: `ok` when it produced a reading (even a partial one).
  void on_cycle(bool ok, TimePoint now);

  std::optional<WatchdogTrip> check(TimePoint now);

  // When the silence watchdog fires if nothing succeeds before (TimePoint::max() when off).
  TimePoint silence_deadline() const;
  std::uint32_t consecutive_hdlc_errors() const { return hdlc_errors_; }
  std::uint32_t consecutive_failed_cycles() const { return failed_cycles_; }
  std::uint64_t reads_on_connection() const { return reads_; }
  bool connected() const { return connected_; }

  void set_policy(const WatchdogPolicy& p) { policy_ = p; }
  const WatchdogPolicy& policy() const { return policy_; }

 private:
  WatchdogPolicy policy_;
  TimePoint silence_since_;
  TimePoint connected_at_{};
  bool connected_ = false;
  std::uint32_t hdlc_errors_ = 0;
  std::uint32_t failed_cycles_ = 0;
  std::uint64_t reads_ = 0;
};

}  // namespace bridge::poller
