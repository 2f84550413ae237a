#include "bridge/poller/meter_connection.h"

namespace bridge::poller {

namespace {

ConnectionError no_clock() {
  ConnectionError e;
  e.reason = labels::PollFailure::access_denied;
  e.fatal = false;
  e.tcp_connected = true;
  e.message = "this connection has no clock";
  return e;
}

}  // namespace

awaitable<Result<ClockRead, ConnectionError>> MeterConnection::read_clock() { co_return fail(no_clock()); }

awaitable<Result<void, ConnectionError>> MeterConnection::set_clock(const ClockSet& /*set*/) { co_return fail(no_clock()); }

}  // namespace bridge::poller
