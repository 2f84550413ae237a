#pragma once
// Small deterministic randomness for the simulator. std::mt19937_64 is 2.5 KB of state, which
// is 25 MB for a 10,000-meter fleet; a splitmix64 stream is 8 bytes and good enough for noise
// and fault coin flips. Every stream derives from (--seed, meter id, purpose), so a run with the
// same seed and the same request sequence injects the same faults.
#include <cstdint>

namespace sim {

constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

constexpr std::uint64_t hash_combine(std::uint64_t a, std::uint64_t b) {
  return mix64(a ^ mix64(b));
}

// Uniform double in [0, 1) from a 64-bit hash.
constexpr double unit_interval(std::uint64_t h) {
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

class Random {
 public:
  explicit Random(std::uint64_t seed = 0) : state_(seed) {}
  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return mix64(state_ - 0x9E3779B97F4A7C15ULL);
  }
  double uniform() { return unit_interval(next()); }  // [0, 1)
  bool chance(double p) { return p >= 1.0 || (p > 0.0 && uniform() < p); }
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }

 private:
  std::uint64_t state_;
};

}  // namespace sim
