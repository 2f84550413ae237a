#include "bridge/prometheus/process_collector.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string_view>
#include <system_error>
#include <vector>

namespace bridge::prometheus {

namespace {

std::optional<std::string> slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Boot time (Unix seconds) from the "btime" line of /proc/stat.
std::optional<double> boot_time(const std::string& proc_root) {
  std::ifstream in(proc_root + "/stat");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("btime ", 0) == 0) return std::stod(line.substr(6));
  }
  return std::nullopt;
}

}  // namespace

std::optional<ProcessStats> read_process_stats(const std::string& proc_root) {
  auto stat = slurp(proc_root + "/self/stat");
  if (!stat) return std::nullopt;
  // "pid (comm) state ppid ..." where comm may contain spaces and parentheses: fields after
  // the last ')' start with field 3 (state).
  auto close = stat->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(stat->substr(close + 2));
  std::vector<std::string> fields{std::istream_iterator<std::string>(rest), {}};
  // man 5 proc: utime 14, stime 15, starttime 22, vsize 23, rss 24 (1-based) -> index - 3.
  if (fields.size() < 22) return std::nullopt;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  ProcessStats s;
  try {
    s.cpu_seconds_total = (std::stod(fields[14 - 3]) + std::stod(fields[15 - 3])) / ticks;
    auto boot = boot_time(proc_root);
    if (boot) s.start_time_seconds = *boot + std::stod(fields[22 - 3]) / ticks;
    s.virtual_memory_bytes = std::stod(fields[23 - 3]);
    s.resident_memory_bytes = std::stod(fields[24 - 3]) * page;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::error_code ec;
  std::size_t fds = 0;
  for (auto it = std::filesystem::directory_iterator(proc_root + "/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++fds;
  }
  s.open_fds = static_cast<double>(fds);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) s.max_fds = static_cast<double>(limit.rlim_cur);
  return s;
}

void ProcessCollector::collect(TextWriter& out) const {
  auto s = read_process_stats();
  if (!s) return;
  auto one = [&](std::string_view name, std::string_view help, std::string_view type, double value) {
    out.family(name, help, type);
    out.sample(name, {}, value);
  };
  one("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter",
      s->cpu_seconds_total);
  one("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge", s->resident_memory_bytes);
  one("process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge", s->virtual_memory_bytes);
  one("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "gauge",
      s->start_time_seconds);
  one("process_open_fds", "Number of open file descriptors.", "gauge", s->open_fds);
  one("process_max_fds", "Maximum number of open file descriptors.", "gauge", s->max_fds);
}

}  // namespace bridge::prometheus
