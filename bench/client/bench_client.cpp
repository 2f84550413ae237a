// bench/client: client cost of `dlms-bridge read` per register read on one association against
// dlms-meter-sim on loopback, beside the floor (a blocking send/recv ping-pong of the same frame
// sizes) and the simulator's own CPU. Prints a Markdown report on stdout.
//
//   build/bin/bench_client [--reads 10000] [--bin-dir build/bin] [--rounds 3]
//
// Method: dlms-bridge is run twice per round, with --repeat R (5 registers x R rounds = reads)
// and with --repeat 1; the per-read cost is the difference of their user+sys CPU (wait4 rusage)
// divided by the difference in reads, so process start-up, connect and association cancel out.
// The simulator's CPU is read from /proc/<pid>/stat around the same runs.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "floor.h"

extern char** environ;

namespace {

struct Proc {
  pid_t pid = -1;
  int out_fd = -1;
};

Proc spawn(const std::vector<std::string>& argv, bool capture_stdout) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  int pipefd[2] = {-1, -1};
  if (capture_stdout) {
    if (pipe(pipefd) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
  } else {
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  }
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  Proc p;
  if (posix_spawn(&p.pid, args[0], &fa, nullptr, args.data(), environ) != 0) {
    throw std::runtime_error("cannot run " + argv[0]);
  }
  posix_spawn_file_actions_destroy(&fa);
  if (capture_stdout) {
    close(pipefd[1]);
    p.out_fd = pipefd[0];
  }
  return p;
}

double cpu_of(const rusage& ru) {
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// user+sys seconds of a running process.
double proc_cpu(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::stoull(f);
    if (i == 15) stime = std::stoull(f);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct RunCost {
  double cpu = 0;
  double wall = 0;
  int exit_code = -1;
};

RunCost run_bridge(const std::string& bin_dir, int port, int repeat) {
  const auto t0 = std::chrono::steady_clock::now();
  auto p = spawn({bin_dir + "/dlms-bridge", "read", "--host", "127.0.0.1", "--port", std::to_string(port), "--repeat",
                  std::to_string(repeat)},
                 false);
  int status = 0;
  rusage ru{};
  wait4(p.pid, &status, 0, &ru);
  RunCost c;
  c.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  c.cpu = cpu_of(ru);
  c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  long reads = 10000;
  int rounds = 3;
  std::string bin_dir = "build/bin";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--reads") reads = std::atol(argv[i + 1]);
    else if (a == "--rounds") rounds = std::atoi(argv[i + 1]);
    else if (a == "--bin-dir") bin_dir = argv[i + 1];
  }
  constexpr int kRegisters = 5;  // read's default register set (the Microstar five)
  const int repeat = static_cast<int>(std::max<long>(1, reads / kRegisters));
  const long measured_reads = static_cast<long>(repeat) * kRegisters;

  // The floor (same number of round trips, 27-byte request frame, 23-byte reply frame) runs in
  // every round right before dlms-bridge, so both see the same machine load.
  std::vector<bench_client::FloorResult> floors;

  auto sim = spawn({bin_dir + "/dlms-meter-sim", "--listen", "127.0.0.1:0"}, true);
  std::string line;
  char ch;
  while (read(sim.out_fd, &ch, 1) == 1 && ch != '\n') line.push_back(ch);
  std::smatch m;
  if (!std::regex_search(line, m, std::regex(R"(\bport=(\d+))"))) {
    std::fprintf(stderr, "bench_client: no listening line from dlms-meter-sim: %s\n", line.c_str());
    kill(sim.pid, SIGKILL);
    return 1;
  }
  const int port = std::stoi(m[1]);

  struct Round {
    double bridge_per_read_us, sim_per_read_us, wall_per_read_us;
  };
  std::vector<Round> results;
  for (int r = 0; r < rounds; ++r) {
    floors.push_back(bench_client::run_floor(static_cast<std::uint64_t>(measured_reads)));
    const double s0 = proc_cpu(sim.pid);
    const auto big = run_bridge(bin_dir, port, repeat);
    const double s1 = proc_cpu(sim.pid);
    const auto small = run_bridge(bin_dir, port, 1);
    const double s2 = proc_cpu(sim.pid);
    if (big.exit_code != 0 || small.exit_code != 0) {
      std::fprintf(stderr, "bench_client: dlms-bridge read failed (exit %d / %d)\n", big.exit_code, small.exit_code);
      kill(sim.pid, SIGTERM);
      return 1;
    }
    const double n = static_cast<double>(measured_reads - kRegisters);
    results.push_back({(big.cpu - small.cpu) / n * 1e6, ((s1 - s0) - (s2 - s1)) / n * 1e6,
                       (big.wall - small.wall) / n * 1e6});
  }
  kill(sim.pid, SIGTERM);
  waitpid(sim.pid, nullptr, 0);

  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::vector<double> floor_cpu, floor_wall, floor_server, bridge, simcpu, wall, ratio;
  for (const auto& f : floors) {
    floor_cpu.push_back(f.client_cpu_seconds / static_cast<double>(f.round_trips) * 1e6);
    floor_server.push_back(f.server_cpu_seconds / static_cast<double>(f.round_trips) * 1e6);
    floor_wall.push_back(f.wall_seconds / static_cast<double>(f.round_trips) * 1e6);
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    ratio.push_back(r.bridge_per_read_us / (floors[i].client_cpu_seconds / static_cast<double>(floors[i].round_trips) * 1e6));
    bridge.push_back(r.bridge_per_read_us);
    simcpu.push_back(r.sim_per_read_us);
    wall.push_back(r.wall_per_read_us);
  }
  const double fc = median(floor_cpu), fw = median(floor_wall), bc = median(bridge), sc = median(simcpu),
               bw = median(wall);
  std::printf("| what (median of %d rounds, %ld reads each) | CPU us/read (user+sys) | wall us/read | reads/s |\n",
              rounds, measured_reads);
  std::printf("|---|---:|---:|---:|\n");
  std::printf("| floor: blocking ping-pong client (27 B out, 23 B back) | %.2f | %.2f | %.0f |\n", fc, fw, 1e6 / fw);
  std::printf("| floor: its echo server process | %.2f | | |\n", median(floor_server));
  std::printf("| dlms-bridge read (one association, GET per read) | %.2f | %.2f | %.0f |\n", bc, bw, 1e6 / bw);
  std::printf("| dlms-meter-sim serving it | %.2f | | |\n", sc);
  std::sort(ratio.begin(), ratio.end());
  std::printf("\nclient CPU ratio dlms-bridge / floor: **%.2fx** (ratio of medians); per-round ratios min %.2fx, "
              "median %.2fx, max %.2fx (target <= 1.5x)\n",
              bc / fc, ratio.front(), ratio[ratio.size() / 2], ratio.back());
  return 0;
}
