#include "bridge/poller/status.h"

namespace bridge::poller {

std::string_view to_label(MeterState s) {
  switch (s) {
    case MeterState::starting: return "starting";
    case MeterState::connecting: return "connecting";
    case MeterState::backoff: return "backoff";
    case MeterState::idle: return "idle";
    case MeterState::polling: return "polling";
    case MeterState::breaker_open: return "breaker_open";
    case MeterState::paused: return "paused";
    case MeterState::stopped: return "stopped";
  }
  return "starting";
}

}  // namespace bridge::poller
