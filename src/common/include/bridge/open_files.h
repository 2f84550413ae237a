#pragma once
// The process's open files limit (RLIMIT_NOFILE): the bridge and the simulator hold one socket
// per meter, so both start by raising the soft limit to the hard one, as Go's runtime does.
#include <cstdint>

namespace bridge {

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit in force afterwards
// (0 when it cannot be read).
std::uint64_t raise_open_files_limit();

}  // namespace bridge
