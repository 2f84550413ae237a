// Test driver: runs the MQTT exporter on a store and produces numbered readings, so tests can
// kill -9 a real publishing process and check what survives.
//   reading n: meter "m-<n % meters>", ts = 1764000000000 + n*1000, active_energy = n + 0.5
// Progress ("<stored> <acked>") is rewritten atomically every 20 ms: readings [start,
// start+stored) are in the outbox or already acknowledged.
#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "bridge/log.h"
#include "bridge/mqtt/exporter.h"
#include "bridge/store/store.h"

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

void write_progress(const std::string& path, std::uint64_t stored, std::uint64_t acked) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << stored << ' ' << acked << '\n';
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mqtt exporter crash-test driver"};
  std::string db, progress, client_id = "crash-driver", host = "127.0.0.1";
  int port = 1883, meters = 5;
  std::int64_t start = 0, count = 0;
  double rate = 100;
  bool exit_when_drained = false;
  app.add_option("--db", db)->required();
  app.add_option("--host", host);
  app.add_option("--port", port)->required();
  app.add_option("--meters", meters);
  app.add_option("--start", start);
  app.add_option("--count", count);
  app.add_option("--rate", rate, "readings per second");
  app.add_option("--progress", progress);
  app.add_option("--client-id", client_id);
  app.add_flag("--exit-when-drained", exit_when_drained);
  CLI11_PARSE(app, argc, argv);

  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);

  auto store = bridge::store::Store::open(db);
  if (!store) {
    bridge::log::error("store open failed", {{"error", store.error().message}});
    return 1;
  }
  bridge::mqtt::Options o;
  o.host = host;
  o.port = port;
  o.mode = bridge::mqtt::Mode::gateway;
  o.client_id = client_id;
  o.reconnect_min = std::chrono::milliseconds(100);
  o.reconnect_max = std::chrono::milliseconds(500);
  o.replay_rate = 0;
  bridge::mqtt::Exporter exporter(o, **store);
  exporter.start();

  std::atomic<bool> done{false};
  std::thread reporter([&] {
    while (!done) {
      const auto s = exporter.stats();
      if (!progress.empty()) write_progress(progress, s.readings_stored, s.readings_acked);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  const auto period = std::chrono::duration<double>(1.0 / std::max(rate, 1.0));
  auto next = std::chrono::steady_clock::now();
  for (std::int64_t n = start; n < start + count && !g_stop; ++n) {
    bridge::Reading r;
    r.meter = "m-" + std::to_string(n % meters);
    r.ts_ms = 1'764'000'000'000 + n * 1000;
    r.values.push_back({"voltage_l1", "1-1:32.7.0.255", 230.0, 2300, -1, 35});
    r.values.push_back({"active_energy", "1-1:1.8.0.255", static_cast<double>(n) + 0.5, n * 10 + 5, -1, 30});
    exporter.on_reading(r);
    next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(period);
    std::this_thread::sleep_until(next);
  }
  if (exit_when_drained) {
    while (!g_stop && ((*store)->outbox_count() > 0 || exporter.stats().readings_stored < static_cast<std::uint64_t>(count))) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  } else {
    while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  exporter.stop(std::chrono::seconds(5));
  done = true;
  reporter.join();
  const auto s = exporter.stats();
  if (!progress.empty()) write_progress(progress, s.readings_stored, s.readings_acked);
  bridge::log::info("driver done", {{"stored", s.readings_stored}, {"acked", s.readings_acked},
                                    {"outbox", (*store)->outbox_count()}});
  return 0;
}
