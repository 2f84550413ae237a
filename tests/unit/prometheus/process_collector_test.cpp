// process_* from /proc/self: values in plausible ranges for this very test process.
#include "bridge/prometheus/process_collector.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <gtest/gtest.h>

#include "exposition_parser.h"

namespace {

using bridge::prometheus::ProcessCollector;
using bridge::prometheus::read_process_stats;

TEST(ProcessCollectorTest, stats_are_sane) {
  auto s = read_process_stats();
  ASSERT_TRUE(s);
  auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GE(s->cpu_seconds_total, 0);
  EXPECT_GT(s->resident_memory_bytes, 1 << 20);
  EXPECT_GE(s->virtual_memory_bytes, s->resident_memory_bytes);
  EXPECT_LE(s->start_time_seconds, now + 1);
  EXPECT_GT(s->start_time_seconds, now - 3600);  // this test started less than an hour ago
  EXPECT_GE(s->open_fds, 3);                      // stdin, stdout, stderr
  EXPECT_GE(s->max_fds, s->open_fds);
}

TEST(ProcessCollectorTest, open_fds_follows_open_and_close) {
  auto before = read_process_stats()->open_fds;
  int fd = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(read_process_stats()->open_fds, before + 1);
  ::close(fd);
  EXPECT_EQ(read_process_stats()->open_fds, before);
}

TEST(ProcessCollectorTest, cpu_time_grows_when_spinning) {
  auto before = read_process_stats()->cpu_seconds_total;
  volatile double sink = 0;
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(150);
  while (std::chrono::steady_clock::now() < until) sink = sink + 1;
  EXPECT_GT(read_process_stats()->cpu_seconds_total, before);
}

TEST(ProcessCollectorTest, writes_the_standard_families) {
  std::string text;
  bridge::prometheus::TextWriter w(text);
  ProcessCollector().collect(w);
  auto p = test_exposition::parse(text);
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_virtual_memory_bytes",
                           "process_start_time_seconds", "process_open_fds", "process_max_fds"}) {
    EXPECT_EQ(p.find(name).size(), 1u) << name;
    EXPECT_TRUE(p.help.count(name)) << name;
  }
  EXPECT_EQ(p.type.at("process_cpu_seconds_total"), "counter");
}

TEST(ProcessCollectorTest, missing_proc_gives_nothing) {
  EXPECT_FALSE(read_process_stats("/nonexistent-proc-root"));
}

}  // namespace
