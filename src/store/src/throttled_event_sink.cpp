#include "bridge/store/throttled_event_sink.h"

#include <utility>

#include "bridge/store/store.h"
#include "bridge/wall_clock.h"

namespace bridge::store {
namespace {
}  // namespace

ThrottledEventSink::ThrottledEventSink(Forward forward, Clock clock, std::chrono::milliseconds window)
    : forward_(std::move(forward)), clock_(std::move(clock)), throttle_(window) {}

ThrottledEventSink::ThrottledEventSink(Store& store, std::chrono::milliseconds window)
    : ThrottledEventSink([&store](const bridge::Event& e, std::int64_t repeats) { store.submit_event(e, repeats); },
                         bridge::wall_ms, window) {}

void ThrottledEventSink::on_event(const bridge::Event& event) {
  EventThrottle::Decision decision;
  {
    std::lock_guard lock(mutex_);
    decision = throttle_.admit(event, clock_());
  }
  if (decision.emit) forward_(event, decision.repeat_count);
}

}  // namespace bridge::store
