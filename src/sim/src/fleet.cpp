#include "sim/fleet.h"

namespace sim {

Fleet::Fleet(std::uint32_t count, const Profile& profile, std::uint64_t seed,
             std::chrono::steady_clock::time_point start)
    : seed_(seed), start_(start) {
  meters_.reserve(count);
  for (std::uint32_t id = 1; id <= count; ++id) meters_.push_back(std::make_unique<Meter>(id, profile, seed));
}

}  // namespace sim
