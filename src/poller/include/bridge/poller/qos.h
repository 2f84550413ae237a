#pragma once
// The config's [qos] knobs turned into the policies' parameters.
#include "bridge/config/config.h"
#include "bridge/poller/backoff.h"
#include "bridge/poller/circuit_breaker.h"
#include "bridge/poller/watchdogs.h"

namespace bridge::poller {

BackoffPolicy backoff_policy(const config::QosConfig& q);
BreakerPolicy breaker_policy(const config::QosConfig& q);
WatchdogPolicy watchdog_policy(const config::QosConfig& q);

}  // namespace bridge::poller
