#pragma once
// The simulated meters of one dlms-meter-sim process: meter k (1..N) answers server physical
// address k on a shared port, or port base+k-1 in consecutive-port mode.
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "sim/meter.h"
#include "sim/profile.h"

namespace sim {

class Fleet {
 public:
  // `start` is time zero of the meters' values (their slow swing and energy integral).
  Fleet(std::uint32_t count, const Profile& profile, std::uint64_t seed,
        std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now());

  std::uint32_t size() const { return static_cast<std::uint32_t>(meters_.size()); }
  Meter* find(std::uint32_t id) { return id >= 1 && id <= meters_.size() ? meters_[id - 1].get() : nullptr; }
  const Meter* find(std::uint32_t id) const {
    return id >= 1 && id <= meters_.size() ? meters_[id - 1].get() : nullptr;
  }
  std::uint64_t seed() const { return seed_; }
  std::chrono::steady_clock::time_point start() const { return start_; }

  auto begin() { return meters_.begin(); }
  auto end() { return meters_.end(); }
  auto begin() const { return meters_.begin(); }
  auto end() const { return meters_.end(); }

 private:
  std::uint64_t seed_;
  std::chrono::steady_clock::time_point start_;
  std::vector<std::unique_ptr<Meter>> meters_;
};

}  // namespace sim
