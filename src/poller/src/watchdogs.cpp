#include "bridge/poller/watchdogs.h"

#include "bridge/human_duration.h"

namespace bridge::poller {

std::string_view to_label(WatchdogTrip t) {
  switch (t) {
    case WatchdogTrip::silence: return "silence";
    case WatchdogTrip::hdlc_errors: return "hdlc_errors";
    case WatchdogTrip::failed_cycles: return "failed_cycles";
    case WatchdogTrip::preventive_age: return "preventive_age";
    case WatchdogTrip::preventive_reads: return "preventive_reads";
  }
  return "silence";
}

labels::ReconnectCause reconnect_cause(WatchdogTrip t) {
  switch (t) {
    case WatchdogTrip::silence: return labels::ReconnectCause::watchdog_silence;
    case WatchdogTrip::hdlc_errors: return labels::ReconnectCause::watchdog_hdlc_errors;
    case WatchdogTrip::failed_cycles: return labels::ReconnectCause::watchdog_failed_cycles;
    case WatchdogTrip::preventive_age: return labels::ReconnectCause::preventive_age;
    case WatchdogTrip::preventive_reads: return labels::ReconnectCause::preventive_reads;
  }
  return labels::ReconnectCause::error;
}

std::optional<labels::Watchdog> watchdog_label(WatchdogTrip t) {
  switch (t) {
    case WatchdogTrip::silence: return labels::Watchdog::silence;
    case WatchdogTrip::hdlc_errors: return labels::Watchdog::hdlc_errors;
    case WatchdogTrip::failed_cycles: return labels::Watchdog::failed_cycles;
    case WatchdogTrip::preventive_age:
    case WatchdogTrip::preventive_reads: return std::nullopt;
  }
  return std::nullopt;
}

WatchdogNotice watchdog_notice(WatchdogTrip t, const WatchdogPolicy& policy, bool connected) {
  switch (t) {
    case WatchdogTrip::silence:
      return {Severity::critical, "watchdog: no successful poll for " + human_duration(policy.silence) +
                                      (connected ? ", forcing a reconnect" : ", meter still unreachable")};
    case WatchdogTrip::hdlc_errors:
      return {Severity::error, "watchdog: " + std::to_string(policy.max_hdlc_errors) +
                                   " HDLC errors in a row, resynchronising (drain and reconnect)"};
    case WatchdogTrip::failed_cycles:
      return {Severity::error,
              "watchdog: " + std::to_string(policy.max_failed_cycles) + " failed cycles in a row, reconnecting"};
    case WatchdogTrip::preventive_age:
      return {Severity::info, "preventive reconnect: connection age limit reached"};
    case WatchdogTrip::preventive_reads:
      return {Severity::info, "preventive reconnect: read count limit reached"};
  }
  return {Severity::warning, "watchdog"};
}

Watchdogs::Watchdogs(WatchdogPolicy policy, TimePoint start) : policy_(policy), silence_since_(start) {}

void Watchdogs::on_connected(TimePoint now) {
  connected_ = true;
  connected_at_ = now;
  reads_ = 0;
}

void Watchdogs::on_disconnected() { connected_ = false; }

void Watchdogs::on_read_ok() {
  hdlc_errors_ = 0;
  ++reads_;
}

void Watchdogs::on_hdlc_error() { ++hdlc_errors_; }

void Watchdogs::on_cycle(bool ok, TimePoint now) {
  if (ok) {
    failed_cycles_ = 0;
    silence_since_ = now;
  } else {
    ++failed_cycles_;
  }
}

TimePoint Watchdogs::silence_deadline() const {
  if (policy_.silence <= Duration::zero()) return TimePoint::max();
  return silence_since_ + policy_.silence;
}

std::optional<WatchdogTrip> Watchdogs::check(TimePoint now) {
  if (policy_.max_hdlc_errors > 0 && hdlc_errors_ >= policy_.max_hdlc_errors) {
    hdlc_errors_ = 0;
    return WatchdogTrip::hdlc_errors;
  }
  if (policy_.max_failed_cycles > 0 && failed_cycles_ >= policy_.max_failed_cycles) {
    failed_cycles_ = 0;
    return WatchdogTrip::failed_cycles;
  }
  if (now >= silence_deadline()) {
    silence_since_ = now;  // next report one full period later, not on every cycle
    return WatchdogTrip::silence;
  }
  if (connected_ && policy_.max_connection_age && *policy_.max_connection_age > Duration::zero() &&
      now - connected_at_ >= *policy_.max_connection_age) {
    connected_at_ = now;
    return WatchdogTrip::preventive_age;
  }
  if (connected_ && policy_.max_reads > 0 && reads_ >= policy_.max_reads) {
    reads_ = 0;
    return WatchdogTrip::preventive_reads;
  }
  return std::nullopt;
}

}  // namespace bridge::poller
