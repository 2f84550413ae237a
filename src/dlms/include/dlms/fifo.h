#pragma once
// Fifo: a first-in first-out queue on a std::vector, for the protocol state machines' short
// queues (frames to send, events, attributes to read). An empty std::deque already allocates
// ~576 bytes (its map and one node); the Link and the Client hold six queues that are empty
// most of the time and a few entries long otherwise, one set per meter of the fleet.
#include <cstddef>
#include <utility>
#include <vector>

namespace dlms {

template <class T>
class Fifo {
 public:
  bool empty() const { return head_ == items_.size(); }
  std::size_t size() const { return items_.size() - head_; }
  // Entries held, popped ones not yet given back included: what bounds the memory.
  std::size_t stored() const { return items_.size(); }
  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }

  // Constructs in place from whatever T is made of (an alternative of a variant T, say): no
  // temporary T (GCC 12 warns about moving a temporary variant into a vector).
  template <class U>
  void push_back(U&& value) {
    items_.emplace_back(std::forward<U>(value));
  }
  template <class... Args>
  T& emplace_back(Args&&... args) {
    return items_.emplace_back(std::forward<Args>(args)...);
  }
  template <class It>
  void append(It first, It last) {
    items_.insert(items_.end(), first, last);
  }

  void pop_front() {
    ++head_;
    if (head_ == items_.size()) {
      clear();
    } else if (head_ >= kCompactAfter && 2 * head_ >= items_.size()) {
      // A queue that never drains completely still gives back the entries it popped.
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  void clear() {
    items_.clear();
    head_ = 0;
  }

 private:
  static constexpr std::size_t kCompactAfter = 16;
  std::vector<T> items_;
  std::size_t head_ = 0;  // items_[0, head_) are popped
};

}  // namespace dlms
