#include "bridge/local_ports.h"

#include <algorithm>
#include <fstream>

namespace bridge::local_ports {
namespace {

constexpr std::uint32_t kLowest = 10000;

// The first port of the kernel's ephemeral range (32768 when it cannot be read).
std::uint32_t ephemeral_low() {
  std::uint32_t low = 32768;
  if (std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range"); range) range >> low;
  return low;
}

}  // namespace

std::uint32_t random_run_base(std::uint32_t count, std::mt19937& rng) {
  const std::uint32_t high = std::max(ephemeral_low(), kLowest + 2 * count) - count;
  return std::uniform_int_distribution<std::uint32_t>(kLowest, high)(rng);
}

}  // namespace bridge::local_ports
