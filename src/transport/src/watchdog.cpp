#include "bridge/transport/watchdog.h"

namespace bridge::transport {

struct StepWatchdog::State {
  explicit State(asio::any_io_executor ex) : timer(std::move(ex)) {}

  // (Re)starts the timer wait at `at`.
  static void wait(const std::shared_ptr<State>& self, Clock::time_point at) {
    const auto generation = ++self->generation;  // an older wait's handler must do nothing
    self->timer.expires_at(at);
    self->waiting_until = at;
    self->waiting = true;
    self->timer.async_wait([self, generation](const boost::system::error_code& ec) {
      if (generation != self->generation) return;
      self->waiting = false;
      if (ec || !self->active) return;
      if (Clock::now() < self->deadline) {  // the deadline moved later since this wait began
        wait(self, self->deadline);
        return;
      }
      self->active = false;
      self->fired = true;
      ++self->trips;
      if (self->on_expire) self->on_expire();
    });
  }

  asio::steady_timer timer;
  std::function<void()> on_expire;
  Clock::time_point deadline{};
  Clock::time_point waiting_until{};
  std::uint64_t generation = 0;
  bool waiting = false;  // a timer wait is pending
  bool active = false;   // an operation is in progress
  bool fired = false;
  std::uint64_t trips = 0;
};

StepWatchdog::StepWatchdog(asio::any_io_executor ex, std::function<void()> on_expire)
    : state_(std::make_shared<State>(std::move(ex))) {
  state_->on_expire = std::move(on_expire);
}

StepWatchdog::~StepWatchdog() {
  // The handler may still be queued; it must not call into our owner.
  state_->on_expire = nullptr;
  state_->active = false;
  ++state_->generation;
  state_->timer.cancel();
}

void StepWatchdog::arm_until(Clock::time_point deadline) {
  auto& s = *state_;
  s.deadline = deadline;
  s.active = true;
  s.fired = false;
  // Only an earlier deadline needs the timer moved; a later one is picked up when it wakes.
  if (!s.waiting || s.waiting_until > deadline) State::wait(state_, deadline);
}

void StepWatchdog::disarm() { state_->active = false; }

void StepWatchdog::stop() {
  auto& s = *state_;
  s.active = false;
  if (!s.waiting) return;
  ++s.generation;
  s.waiting = false;
  s.timer.cancel();
}

bool StepWatchdog::fired() const { return state_->fired; }
std::uint64_t StepWatchdog::trips() const { return state_->trips; }

}  // namespace bridge::transport
