#pragma once
// The floor of bench/client: a minimal blocking send/recv ping-pong over loopback TCP with the
// frame sizes of one DLMS GET (27-byte request frame, 23-byte reply frame), so the client cost of
// dlms-bridge can be reported as a ratio against "just the syscalls".
#include <cstddef>
#include <cstdint>

namespace bench_client {

struct FloorResult {
  std::uint64_t round_trips = 0;
  double wall_seconds = 0;
  double client_cpu_seconds = 0;  // user+sys of the client thread only
  double server_cpu_seconds = 0;  // user+sys of the echo process
};

FloorResult run_floor(std::uint64_t round_trips, std::size_t request_size = 27, std::size_t reply_size = 23);

}  // namespace bench_client
