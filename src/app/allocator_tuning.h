#pragma once
// glibc malloc settings for the long-running service (`dlms-bridge run`).
//
// Without them the bridge's RSS grows for many minutes after start-up although its heap does
// not (bench/RESULTS.md, "Memory"): every /metrics scrape runs on one of CivetWeb's hundreds of
// worker threads, glibc gives each new thread its own arena (up to 8 per core), and each arena
// keeps the few megabytes of the scrape's transient buffers after they are freed. Worse, after
// the first large buffer is freed glibc raises its mmap threshold to that buffer's size, so the
// next scrape's body comes from an arena too and stays there.
//
// Two arenas are enough: the io thread does the polling, the other threads (HTTP workers, the
// store writer, MQTT) allocate little and rarely. A fixed mmap threshold keeps large transient
// buffers (the /metrics body, its gzip chunks) out of the arenas: they are unmapped on free.
#include <cstddef>

namespace bridge::app {

inline constexpr int kServiceArenaMax = 2;
inline constexpr std::size_t kServiceMmapThreshold = 128 * 1024;  // glibc's default, made fixed

struct AllocatorTuning {
  bool arena_max = false;       // false: left to MALLOC_ARENA_MAX / GLIBC_TUNABLES
  bool mmap_threshold = false;  // false: left to MALLOC_MMAP_THRESHOLD_ / GLIBC_TUNABLES
};

// Call before any thread starts. Settings the operator gave in the environment win.
AllocatorTuning tune_allocator_for_service();

// After a large burst of small, short-lived allocations: glibc returns freed memory to the system
// only from the top of the heap, so the pages of a freed burst that lies below live data stay
// resident for good. At 10,000 meters the config history's redacted JSON is such a burst (about
// 200 MB of JSON tree at start-up and at every reload, bench/RESULTS.md "Memory"). This hands
// every free page back (malloc_trim).
void return_free_memory();

}  // namespace bridge::app
