// mqtt_bench: figures for bench/results/mqtt.md.
//   mqtt_bench throughput [--readings N] [--mode gateway|topic] [--inflight W]
//       durable readings/s: outbox insert + publish + PUBACK + delete, to a local mosquitto,
//       timed from the first on_reading() to the moment the last row is deleted.
//   mqtt_bench replay [--readings N] [--rate R]
//       N readings made while the broker is down, then the broker starts: replay readings/s.
//   mqtt_bench soak [--outage S] [--meters M]
//       the outage scenario of tests/integration/mqtt/outage_test.cpp with the 60 s.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

#include "bridge/log.h"
#include "bridge/mqtt/exporter.h"
#include "bridge/store/store.h"
#include "mqtt_test_support.h"
#include "outage_scenario.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace ts = testing_support;

bridge::Reading bench_reading(std::int64_t n) {
  bridge::Reading r;
  r.meter = "meter-" + std::to_string(n % 1000);
  r.ts_ms = 1'764'000'000'000 + n;
  // A realistic register set (5 keys, ~200 B of JSON per reading).
  r.values = {{"voltage_l1", "1-1:32.7.0.255", 230.1, 2301, -1, 35},
              {"current_l1", "1-1:31.7.0.255", 5.02, 502, -2, 33},
              {"frequency", "1-1:14.7.0.255", 50.0, 5000, -2, 44},
              {"active_power", "1-1:1.7.0.255", 1150.0, 1150, 0, 27},
              {"active_energy", "1-1:1.8.0.255", static_cast<double>(n), n, 0, 30}};
  return r;
}

std::unique_ptr<bridge::store::Store> open_store(const std::filesystem::path& p) {
  auto s = bridge::store::Store::open(p);
  if (!s) throw std::runtime_error(s.error().message);
  return std::move(*s);
}

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

bool wait_drained(bridge::mqtt::Exporter& e, bridge::store::Store& s, std::uint64_t n, std::chrono::seconds timeout) {
  return ts::wait_until([&] { return e.stats().readings_acked >= n && s.outbox_count() == 0; }, timeout);
}

int throughput(std::int64_t n, const std::string& mode, std::size_t inflight) {
  ts::TempDir dir;
  mqtt_testing::MosquittoBroker broker(dir / "broker");
  broker.start();
  auto store = open_store(dir / "state.db");
  bridge::mqtt::Options o;
  o.port = broker.port();
  o.mode = mode == "topic" ? bridge::mqtt::Mode::topic : bridge::mqtt::Mode::gateway;
  o.client_id = "bench";
  o.max_inflight = inflight;
  o.queue_capacity = static_cast<std::size_t>(n) + 1;
  bridge::mqtt::Exporter exporter(o, *store);
  exporter.start();
  if (!ts::wait_until([&] { return exporter.connected(); }, 10s)) return 1;
  std::vector<bridge::Reading> readings;
  readings.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) readings.push_back(bench_reading(i));
  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  for (const auto& r : readings) exporter.on_reading(r);
  const auto t_queued = Clock::now();
  if (!wait_drained(exporter, *store, static_cast<std::uint64_t>(n), 600s)) return 1;
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;
  const auto s = exporter.stats();
  exporter.stop(1s);
  std::printf("throughput mode=%s inflight=%zu readings=%lld seconds=%.3f readings_per_s=%.0f messages=%llu "
              "messages_per_s=%.0f enqueue_s=%.3f cpu_us_per_reading=%.1f\n",
              mode.c_str(), inflight, static_cast<long long>(n), secs, static_cast<double>(n) / secs,
              static_cast<unsigned long long>(s.messages_acked), static_cast<double>(s.messages_acked) / secs,
              std::chrono::duration<double>(t_queued - t0).count(), cpu * 1e6 / static_cast<double>(n));
  return 0;
}

int replay(std::int64_t n, double rate) {
  ts::TempDir dir;
  mqtt_testing::MosquittoBroker broker(dir / "broker");  // created, not started: the outage
  auto store = open_store(dir / "state.db");
  bridge::mqtt::Options o;
  o.port = broker.port();
  o.mode = bridge::mqtt::Mode::gateway;
  o.client_id = "bench-replay";
  o.replay_rate = rate;
  o.reconnect_min = 50ms;
  o.reconnect_max = 100ms;
  o.queue_capacity = static_cast<std::size_t>(n) + 1;
  bridge::mqtt::Exporter exporter(o, *store);
  exporter.start();
  for (std::int64_t i = 0; i < n; ++i) exporter.on_reading(bench_reading(i));
  if (!ts::wait_until([&] { return exporter.stats().readings_stored == static_cast<std::uint64_t>(n); }, 600s)) return 1;
  const auto t0 = Clock::now();
  broker.start();
  if (!wait_drained(exporter, *store, static_cast<std::uint64_t>(n), 1200s)) return 1;
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const auto s = exporter.stats();
  exporter.stop(1s);
  std::printf("replay readings=%lld rate_limit=%s seconds=%.3f readings_per_s=%.0f replayed=%llu messages=%llu\n",
              static_cast<long long>(n), rate <= 0 ? "unpaced" : std::to_string(rate).c_str(), secs,
              static_cast<double>(n) / secs, static_cast<unsigned long long>(s.readings_replayed),
              static_cast<unsigned long long>(s.messages_acked));
  return 0;
}

int soak(int outage_s, int meters) {
  ts::TempDir dir;
  mqtt_testing::OutageParams p;
  p.meters = meters;
  p.outage = std::chrono::seconds(outage_s);
  p.drain_timeout = std::chrono::seconds(120);
  const auto r = mqtt_testing::run_outage_scenario(p, dir.path());
  std::printf("soak outage_s=%d meters=%d produced=%zu during_outage=%zu distinct_received=%zu missing=%zu "
              "unexpected=%zu duplicates=%zu differing=%zu outage_out_of_order=%zu outbox_peak=%lld outbox_left=%lld "
              "drain_s=%.2f acked=%llu connects=%llu -> %s\n",
              outage_s, meters, r.produced, r.produced_during_outage, r.distinct_received, r.missing, r.unexpected,
              r.duplicates, r.duplicates_differing, r.outage_out_of_order, static_cast<long long>(r.outbox_peak),
              static_cast<long long>(r.outbox_left), r.replay_seconds,
              static_cast<unsigned long long>(r.stats.readings_acked), static_cast<unsigned long long>(r.stats.connects),
              r.drained && r.duplicates_differing == 0 && r.outage_out_of_order == 0 ? "PASS" : "FAIL");
  return r.drained ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"MQTT exporter benchmarks"};
  app.require_subcommand(1);
  std::int64_t n = 100000;
  std::string mode = "gateway";
  std::size_t inflight = 100;
  double rate = 0;
  int outage = 60, meters = 20;
  auto* t = app.add_subcommand("throughput", "durable readings/s to a local mosquitto");
  t->add_option("--readings", n);
  t->add_option("--mode", mode)->check(CLI::IsMember({"gateway", "topic"}));
  t->add_option("--inflight", inflight);
  auto* r = app.add_subcommand("replay", "replay rate after an outage");
  r->add_option("--readings", n);
  r->add_option("--rate", rate, "replay_rate (readings/s, 0 = unpaced)");
  auto* s = app.add_subcommand("soak", "broker outage soak");
  s->add_option("--outage", outage, "seconds");
  s->add_option("--meters", meters);
  CLI11_PARSE(app, argc, argv);
  bridge::log::set_level(bridge::log::Level::warn);
  if (t->parsed()) return throughput(n, mode, inflight);
  if (r->parsed()) return replay(n, rate);
  return soak(outage, meters);
}
