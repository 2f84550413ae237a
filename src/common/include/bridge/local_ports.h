#pragma once
// Where test servers and the simulator's port-0 runs listen: below the kernel's ephemeral range
// (ip_local_port_range). A port the kernel hands out for port 0 sits among the local ports of
// recent outgoing connections, so the ports after it are often taken ("Address already in use"
// under ctest -j2); below the range only another random choice can collide.
#include <cstdint>
#include <random>

namespace bridge::local_ports {

// A random first port for `count` consecutive ports, all at or above 10000 and below the
// ephemeral range (or, on a machine whose range starts lower, within 10000 .. 10000 + 2*count).
std::uint32_t random_run_base(std::uint32_t count, std::mt19937& rng);

}  // namespace bridge::local_ports
