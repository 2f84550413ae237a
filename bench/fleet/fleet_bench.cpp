// fleet_bench: a steady-state load run of the poller against dlms-meter-sim.
//
//   build/bin/fleet_bench --meters 1000 --interval 1s --registers 5 --warmup 20s --duration 60s
//   build/bin/fleet_bench --meters 100 --interval 1s --outage 30s
//
// Starts the simulator (fleet mode, one port, 4-byte addresses), runs a Fleet with the real
// DLMS transport and BridgeMetrics, then measures over the window after the warm-up:
//   on-time ratio   cycles started within half an interval of their slot / slots due
//   CPU per cycle   this process's user+system CPU / cycles
//   RSS per meter   (RSS at the end - RSS before the Fleet existed) / meters
// With --outage, the simulator is killed after the warm-up and restarted on the same port after
// the outage; the report gives the time until every meter produced a reading again.
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bridge/config/config.h"
#include "bridge/config/duration.h"
#include "bridge/log.h"
#include "bridge/prometheus/bridge_metrics.h"
#include "bridge/prometheus/poller_observer.h"
#include "bridge/poller/dlms_meter_connection.h"
#include "bridge/poller/fleet.h"

extern char** environ;

namespace {

using namespace std::chrono_literals;
using bridge::poller::Clock;
namespace asio = boost::asio;
namespace config = bridge::config;

long rss_kb(pid_t pid = 0) {
  std::ifstream in(pid == 0 ? std::string("/proc/self/status") : "/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

double cpu_seconds_self() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double cpu_seconds_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 2));
  std::vector<std::string> f;
  std::string tok;
  while (rest >> tok) f.push_back(tok);
  if (f.size() < 13) return 0;
  return static_cast<double>(std::stoll(f[11]) + std::stoll(f[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// dlms-meter-sim as a child whose stdout we read for the listening line.
class Sim {
 public:
  Sim(int meters, int port) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    std::vector<std::string> args = {std::string(DLMS_BRIDGE_BIN_DIR) + "/dlms-meter-sim", "--listen",
                                     "127.0.0.1:" + std::to_string(port), "--meters", std::to_string(meters),
                                     "--log-level", "error"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ) != 0) {
      throw std::runtime_error("cannot start " + args[0]);
    }
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    FILE* out = fdopen(fds[0], "r");
    char buf[512];
    const std::regex re(R"(port=(\d+))");
    while (fgets(buf, sizeof buf, out)) {
      std::cmatch m;
      if (std::regex_search(buf, m, re)) {
        port_ = std::stoi(m[1]);
        break;
      }
    }
    fclose(out);
    if (port_ == 0) throw std::runtime_error("dlms-meter-sim did not report its port");
  }
  ~Sim() { stop(SIGTERM); }
  void stop(int sig) {
    if (pid_ <= 0) return;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

struct CountReadings : bridge::ReadingSink {
  void on_reading(const bridge::Reading& r) override {
    ++total;
    last_ts[r.meter] = Clock::now();
  }
  std::uint64_t total = 0;
  std::map<std::string, Clock::time_point> last_ts;
};

struct Totals {
  std::uint64_t cycles = 0, on_time = 0, skipped = 0, failed = 0, reads = 0, reconnects = 0;
  std::uint64_t slots_due = 0, slots_missed = 0;  // schedule accounting (max_start_lateness)
  std::int64_t max_lateness_ms = 0;
};

Totals totals(const bridge::poller::Fleet& fleet) {
  Totals t;
  for (const auto& s : fleet.statuses()) {
    t.cycles += s.counters.cycles;
    t.on_time += s.counters.on_time_cycles;
    t.skipped += s.counters.skipped_slots;
    t.slots_due += s.counters.slots_due;
    t.slots_missed += s.counters.slots_missed;
    t.failed += s.counters.cycles_failed;
    t.reads += s.counters.reads_ok;
    t.reconnects += s.counters.reconnects;
    t.max_lateness_ms = std::max(t.max_lateness_ms, s.max_lateness_ms);
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Poller fleet load run against dlms-meter-sim"};
  int meters = 1000;
  int registers = 5;
  std::string interval_text = "1s", warmup_text = "20s", duration_text = "60s", outage_text = "0s",
              backoff_max_text = "5m";
  double connect_rate = 100;
  bool no_metrics = false;
  app.add_option("--meters", meters)->capture_default_str();
  app.add_option("--registers", registers, "registers per meter (1..5, the default set)")->capture_default_str();
  app.add_option("--interval", interval_text)->capture_default_str();
  app.add_option("--warmup", warmup_text)->capture_default_str();
  app.add_option("--duration", duration_text)->capture_default_str();
  app.add_option("--outage", outage_text, "kill the simulator for this long after the warm-up")->capture_default_str();
  app.add_option("--connect-rate", connect_rate, "new connections per second")->capture_default_str();
  app.add_option("--backoff-max", backoff_max_text, "qos.backoff_max (config default 5m)")->capture_default_str();
  app.add_flag("--no-metrics", no_metrics, "run without BridgeMetrics (to attribute RSS)");
  CLI11_PARSE(app, argc, argv);
  auto parse = [](const std::string& t) {
    auto d = config::parse_duration(t);
    if (!d) throw CLI::ValidationError(t, d.error());
    return *d;
  };
  const auto interval = parse(interval_text), warmup = parse(warmup_text), duration = parse(duration_text),
             outage = parse(outage_text), backoff_max = parse(backoff_max_text);
  bridge::log::set_level(bridge::log::Level::error);

  auto sim = std::make_unique<Sim>(meters, 0);
  const int port = sim->port();

  config::Config c;
  c.qos.poll_interval = interval;
  c.qos.backoff_max = backoff_max;
  c.fleet.connect_rate = connect_rate;
  c.fleet.max_concurrent_sessions = 0;
  auto regs = config::default_registers();
  regs.resize(static_cast<std::size_t>(std::clamp(registers, 1, static_cast<int>(regs.size()))));
  for (int k = 1; k <= meters; ++k) {
    config::MeterConfig m;
    m.id = "meter-" + std::to_string(k);
    m.device_name = m.id;
    m.host = "127.0.0.1";
    m.port = static_cast<std::uint16_t>(port);
    m.client_sap = 1;
    m.server_logical = 1;
    m.server_physical = static_cast<std::uint16_t>(k);
    m.address_size = 4;
    m.auth = config::Auth::low;
    m.password = config::Secret("22222222");
    m.registers = regs;
    m.qos = c.qos;
    c.meters.push_back(std::move(m));
  }

  asio::io_context io(1);
  bridge::prometheus::BridgeMetrics metrics;
  CountReadings readings;
  const long rss_before = rss_kb();
  bridge::poller::FleetDependencies deps;
  deps.readings = &readings;
  bridge::prometheus::PollerMetricsObserver metrics_observer(metrics);
  if (!no_metrics) deps.observers.push_back(&metrics_observer);
  deps.connections = bridge::poller::dlms_connection_factory();
  bridge::poller::Fleet fleet(io, c, deps);
  fleet.start();
  io.run_for(warmup);

  std::cout << "| meters | interval | GETs/s due | on-time | CPU/cycle | bridge CPU | sim CPU | RSS/meter | failed cycles "
               "| reconnects | max lateness |\n|---|---|---|---|---|---|---|---|---|---|---|\n";
  if (outage > config::Duration::zero()) {
    sim->stop(SIGKILL);
    io.run_for(outage);
    const auto back = Clock::now();
    sim = std::make_unique<Sim>(meters, port);
    std::vector<double> recovery;
    const auto deadline = back + backoff_max + 60s;
    while (Clock::now() < deadline) {
      io.run_for(100ms);
      std::size_t recovered = 0;
      for (auto& [id, ts] : readings.last_ts) recovered += ts > back ? 1 : 0;
      if (recovered == static_cast<std::size_t>(meters)) break;
    }
    for (auto& [id, ts] : readings.last_ts) {
      if (ts > back) recovery.push_back(std::chrono::duration<double>(ts - back).count());
    }
    std::sort(recovery.begin(), recovery.end());
    std::cout << "\noutage " << outage.count() / 1000.0 << " s: " << recovery.size() << "/" << meters
              << " meters read again; time to first reading after the simulator came back: p50 "
              << (recovery.empty() ? 0 : recovery[recovery.size() / 2]) << " s, max "
              << (recovery.empty() ? 0 : recovery.back()) << " s (backoff cap " << c.qos.backoff_max.count() / 1000.0
              << " s)\n";
  } else {
    const Totals t0 = totals(fleet);
    const double cpu0 = cpu_seconds_self();
    const double sim_cpu0 = cpu_seconds_of(sim->pid());
    const auto w0 = Clock::now();
    io.run_for(duration);
    const double wall = std::chrono::duration<double>(Clock::now() - w0).count();
    const Totals t1 = totals(fleet);
    const double cpu = cpu_seconds_self() - cpu0;
    const double sim_cpu = cpu_seconds_of(sim->pid()) - sim_cpu0;
    const long rss_after = rss_kb();
    const auto cycles = t1.cycles - t0.cycles;
    const auto due = cycles + (t1.skipped - t0.skipped);
    const double on_time = due ? 100.0 * static_cast<double>(t1.on_time - t0.on_time) / static_cast<double>(due) : 0;
    char line[512];
    std::snprintf(line, sizeof line,
                  "| %d | %.1f s | %.0f | %.3f %% (%llu/%llu) | %.1f us | %.1f %% of a core | %.1f %% of a core | %.1f KB | "
                  "%llu | %llu | %lld ms |\n",
                  meters, static_cast<double>(interval.count()) / 1000.0,
                  static_cast<double>(meters * registers) * 1000.0 / static_cast<double>(interval.count()), on_time,
                  static_cast<unsigned long long>(t1.on_time - t0.on_time), static_cast<unsigned long long>(due),
                  cycles ? cpu * 1e6 / static_cast<double>(cycles) : 0.0, 100.0 * cpu / wall, 100.0 * sim_cpu / wall,
                  static_cast<double>(rss_after - rss_before) / meters,
                  static_cast<unsigned long long>(t1.failed - t0.failed),
                  static_cast<unsigned long long>(t1.reconnects - t0.reconnects),
                  static_cast<long long>(t1.max_lateness_ms));
    std::cout << line;
    const auto slots_due = t1.slots_due - t0.slots_due;
    const auto slots_missed = t1.slots_missed - t0.slots_missed;
    std::cout << "\nOn time by the bridge's slot accounting (1 - missed/due): "
              << (slots_due ? 100.0 * (1.0 - static_cast<double>(slots_missed) / static_cast<double>(slots_due)) : 0.0)
              << " % (" << slots_missed << " missed of " << slots_due << " due)";
    std::cout << "\nGETs/s measured: " << static_cast<double>(t1.reads - t0.reads) / wall << "; RSS before fleet "
              << rss_before << " KB, after " << rss_after << " KB; window " << wall << " s\n";
  }
  bool stopped = false;
  fleet.stop(5s, [&] { stopped = true; });
  while (!stopped) io.run_for(100ms);
  return 0;
}
