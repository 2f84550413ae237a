#include "allocator_tuning.h"

#include <malloc.h>

#include <cstdlib>
#include <string_view>

namespace bridge::app {
namespace {

// True when the operator chose this setting: its MALLOC_* variable or its glibc tunable.
bool set_in_environment(const char* variable, std::string_view tunable) {
  if (std::getenv(variable) != nullptr) return true;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  return tunables != nullptr && std::string_view(tunables).find(tunable) != std::string_view::npos;
}

}  // namespace

AllocatorTuning tune_allocator_for_service() {
  AllocatorTuning done;
  if (!set_in_environment("MALLOC_ARENA_MAX", "glibc.malloc.arena_max")) {
    done.arena_max = mallopt(M_ARENA_MAX, kServiceArenaMax) == 1;
  }
  if (!set_in_environment("MALLOC_MMAP_THRESHOLD_", "glibc.malloc.mmap_threshold")) {
    // Setting it at all turns off glibc's dynamic threshold (which follows the largest buffer
    // freed so far, up to 32 MB).
    done.mmap_threshold = mallopt(M_MMAP_THRESHOLD, static_cast<int>(kServiceMmapThreshold)) == 1;
  }
  return done;
}

void return_free_memory() { (void)malloc_trim(0); }

}  // namespace bridge::app
