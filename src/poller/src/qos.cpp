#include "bridge/poller/qos.h"

namespace bridge::poller {

BackoffPolicy backoff_policy(const config::QosConfig& q) {
  BackoffPolicy p;
  p.initial = q.backoff_initial;
  p.multiplier = q.backoff_multiplier;
  p.max = q.backoff_max;
  p.jitter = q.backoff_jitter;
  p.attempts_before_down = q.connect_attempts;
  return p;
}

BreakerPolicy breaker_policy(const config::QosConfig& q) {
  return BreakerPolicy{q.breaker_max_reconnects, q.breaker_window, q.breaker_open};
}

WatchdogPolicy watchdog_policy(const config::QosConfig& q) {
  WatchdogPolicy p;
  p.silence = q.silence_timeout;
  p.max_hdlc_errors = q.max_consecutive_hdlc_errors;
  p.max_failed_cycles = q.max_consecutive_failed_cycles;
  p.max_connection_age = q.reconnect_max_age;
  p.max_reads = q.reconnect_every_reads;
  return p;
}

}  // namespace bridge::poller
