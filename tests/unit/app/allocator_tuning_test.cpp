// The service's malloc settings (src/app/allocator_tuning.h). Each test runs in its own process
// (gtest_discover_tests), which is what makes process-wide allocator state testable. glibc only:
// a sanitizer build replaces malloc.
#include "allocator_tuning.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <barrier>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace bridge::app {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kGlibcMalloc = false;
#else
constexpr bool kGlibcMalloc = true;
#endif

// Keeps the compiler from eliding a malloc/free pair.
void* volatile escaped = nullptr;

void touch_and_free(std::size_t bytes) {
  auto* p = static_cast<char*>(std::malloc(bytes));
  ASSERT_NE(p, nullptr);
  std::memset(p, 1, bytes);
  escaped = p;
  std::free(p);
}

// Free bytes the main arena keeps after a scrape-like sequence: a large body, then a smaller
// one, both freed (the second /metrics body of a fleet is about the size of the first).
std::size_t main_arena_kept_after_two_large_buffers() {
  touch_and_free(8 << 20);
  const std::size_t before = mallinfo2().fordblks;
  touch_and_free(2 << 20);
  const std::size_t after = mallinfo2().fordblks;
  return after > before ? after - before : 0;
}

// Arenas (glibc "heaps") in use after `threads` threads each allocated while all were alive.
int arenas_after_threads(int threads) {
  std::barrier all_allocated(threads);
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&] {
      void* p = std::malloc(1024);
      escaped = p;
      all_allocated.arrive_and_wait();
      std::free(p);
    });
  }
  for (auto& t : pool) t.join();
  char* xml = nullptr;
  std::size_t size = 0;
  FILE* out = open_memstream(&xml, &size);
  malloc_info(0, out);
  std::fclose(out);
  int heaps = 0;
  for (const char* at = std::strstr(xml, "<heap nr="); at != nullptr; at = std::strstr(at + 1, "<heap nr=")) ++heaps;
  std::free(xml);
  return heaps;
}

TEST(AllocatorTuning, LargeTransientBuffersGoBackToTheSystem) {
  if (!kGlibcMalloc) GTEST_SKIP() << "sanitizer allocator";
  ::unsetenv("MALLOC_MMAP_THRESHOLD_");
  const auto tuned = tune_allocator_for_service();
  EXPECT_TRUE(tuned.mmap_threshold);
  // Untuned, glibc raises its mmap threshold to 8 MB when the first buffer is freed, so the
  // second comes from the arena and its 2 MB stay there.
  EXPECT_LT(main_arena_kept_after_two_large_buffers(), 256u * 1024);
}

TEST(AllocatorTuning, ThreadsShareAtMostTwoArenas) {
  if (!kGlibcMalloc) GTEST_SKIP() << "sanitizer allocator";
  ::unsetenv("MALLOC_ARENA_MAX");
  const auto tuned = tune_allocator_for_service();
  EXPECT_TRUE(tuned.arena_max);
  // Untuned, each of the 12 threads gets an arena of its own (up to 8 per core).
  EXPECT_LE(arenas_after_threads(12), kServiceArenaMax);
}

TEST(AllocatorTuning, TheOperatorsEnvironmentWins) {
  ::setenv("MALLOC_ARENA_MAX", "4", 1);
  ::setenv("GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=65536", 1);
  const auto tuned = tune_allocator_for_service();
  EXPECT_FALSE(tuned.arena_max);
  EXPECT_FALSE(tuned.mmap_threshold);
}

std::size_t resident_bytes() {
  long pages = 0, resident = 0;
  FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2) resident = 0;
  std::fclose(statm);
  return static_cast<std::size_t>(resident) * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

TEST(AllocatorTuning, AFreedBurstOfSmallAllocationsBelowLiveDataGoesBackToTheSystem) {
  if (!kGlibcMalloc) GTEST_SKIP() << "sanitizer allocator";
  // 64 MB of small blocks (like a JSON tree), then one live block above them, then the burst freed.
  std::vector<char*> burst;
  for (int i = 0; i < 128 * 1024; ++i) {
    burst.push_back(static_cast<char*>(std::malloc(512)));
    std::memset(burst.back(), 1, 512);
  }
  char* live = static_cast<char*>(std::malloc(512));
  std::memset(live, 1, 512);
  for (char* p : burst) std::free(p);
  const std::size_t before = resident_bytes();
  return_free_memory();
  const std::size_t after = resident_bytes();
  EXPECT_GT(before, after + 32u * 1024 * 1024) << "resident before " << before << ", after " << after;
  std::free(live);
}

}  // namespace
}  // namespace bridge::app
