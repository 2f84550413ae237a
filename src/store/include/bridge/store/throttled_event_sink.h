#pragma once
// EventSink adapter: EventThrottle in front of the store (or any repeat-aware consumer).
// Thread-safe; on_event never blocks on I/O (the store's submit is a queue push).
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>

#include "bridge/event.h"
#include "bridge/store/event_throttle.h"

namespace bridge::store {

class Store;

class ThrottledEventSink final : public bridge::EventSink {
 public:
  // Receives every emitted event with its repeat_count.
  using Forward = std::function<void(const bridge::Event&, std::int64_t repeat_count)>;
  using Clock = std::function<std::int64_t()>;  // UTC ms

  ThrottledEventSink(Forward forward, Clock clock, std::chrono::milliseconds window = std::chrono::minutes(5));
  // Forwards to store.submit_event; clock = system clock.
  explicit ThrottledEventSink(Store& store, std::chrono::milliseconds window = std::chrono::minutes(5));

  void on_event(const bridge::Event& event) override;

 private:
  Forward forward_;
  Clock clock_;
  std::mutex mutex_;
  EventThrottle throttle_;
};

}  // namespace bridge::store
