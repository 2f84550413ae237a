#include "bridge/poller/endpoint_failover.h"

namespace bridge::poller {

bool EndpointFailover::on_connect_failure() {
  if (current_ + 1 < count_) {
    ++current_;
    return true;
  }
  current_ = 0;
  return false;
}

void EndpointFailover::on_connected(TimePoint now) {
  connected_at_ = now;
}

TimePoint EndpointFailover::return_due() const {
  if (current_ == 0) return TimePoint::max();
  return connected_at_ + holdback_;
}

void EndpointFailover::set_policy(std::size_t endpoints, Duration holdback) {
  count_ = endpoints == 0 ? 1 : endpoints;
  holdback_ = holdback;
  if (current_ >= count_) current_ = 0;
}

}  // namespace bridge::poller
