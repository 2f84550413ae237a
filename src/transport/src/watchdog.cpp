#include "bridge/transport/watchdog.h"

namespace bridge::transport {

struct StepWatchdog::State {
  explicit State(asio::any_io_executor ex) : timer(std::move(ex)) {}
  asio::steady_timer timer;
  std::function<void()> on_expire;
  std::uint64_t generation = 0;  // a wait from an older arm() must not fire
  bool fired = false;
  std::uint64_t trips = 0;
};

StepWatchdog::StepWatchdog(asio::any_io_executor ex, std::function<void()> on_expire)
    : state_(std::make_shared<State>(std::move(ex))) {
  state_->on_expire = std::move(on_expire);
}

StepWatchdog::~StepWatchdog() {
  // The handler may still be queued with success; it must not call into our owner.
  state_->on_expire = nullptr;
  ++state_->generation;
  state_->timer.cancel();
}

void StepWatchdog::arm(std::chrono::steady_clock::duration timeout) {
  auto& s = *state_;
  s.fired = false;
  const auto generation = ++s.generation;
  s.timer.expires_after(timeout);
  s.timer.async_wait([state = state_, generation](const boost::system::error_code& ec) {
    if (ec || generation != state->generation) return;
    // Compare with the clock too: a later arm() may have moved the expiry.
    if (state->timer.expiry() > std::chrono::steady_clock::now()) return;
    state->fired = true;
    ++state->trips;
    if (state->on_expire) state->on_expire();
  });
}

void StepWatchdog::disarm() {
  ++state_->generation;
  state_->timer.cancel();
}

bool StepWatchdog::fired() const { return state_->fired; }
std::uint64_t StepWatchdog::trips() const { return state_->trips; }

}  // namespace bridge::transport
