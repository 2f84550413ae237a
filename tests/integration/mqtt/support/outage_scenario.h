#pragma once
// Broker outage scenario, shared by the ctest (short outage) and bench/mqtt's soak driver (60 s):
// `meters` meters each produce one reading per `period`; the broker is stopped for `outage`
// while readings keep coming, then restarted. A durable subscriber records what arrives.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bridge/mqtt/exporter.h"
#include "bridge/store/store.h"
#include "mqtt_test_support.h"
#include "testing/process.h"

namespace mqtt_testing {

struct OutageParams {
  int meters = 20;
  std::chrono::milliseconds period{1000};
  std::chrono::milliseconds before{3000};  // normal operation before the outage
  std::chrono::milliseconds outage{20000};
  std::chrono::milliseconds after{3000};   // production continues after the restart
  std::chrono::milliseconds drain_timeout{60000};
  double replay_rate = 1000;
};

struct OutageResult {
  bool drained = false;  // every produced reading arrived and the outbox is empty
  std::size_t produced = 0;
  std::size_t produced_during_outage = 0;
  std::size_t distinct_received = 0;
  std::size_t duplicates = 0;           // extra copies (QoS 1 redelivery)
  std::size_t duplicates_differing = 0; // copies whose content differs (must be 0)
  std::size_t missing = 0;
  std::size_t unexpected = 0;
  std::size_t outage_out_of_order = 0;  // per meter, outage readings that arrived before an older one
  std::int64_t outbox_left = -1;
  std::int64_t outbox_peak = 0;
  double replay_seconds = 0;  // restart -> everything delivered
  bridge::mqtt::ExporterStats stats;
  std::string broker_log;
};

inline bridge::Reading outage_reading(int meter, std::int64_t n, std::int64_t ts_ms) {
  bridge::Reading r;
  r.meter = "meter-" + std::to_string(meter);
  r.ts_ms = ts_ms;
  r.values.push_back({"voltage_l1", "1-1:32.7.0.255", 230.0 + meter, 2300, -1, 35});
  r.values.push_back({"active_energy", "1-1:1.8.0.255", static_cast<double>(n) + 0.25, n, -1, 30});
  return r;
}

inline OutageResult run_outage_scenario(const OutageParams& p, const std::filesystem::path& dir) {
  using namespace std::chrono_literals;
  using Clock = std::chrono::steady_clock;
  OutageResult result;
  MosquittoBroker broker(dir / "broker");
  broker.start();
  const std::string sub_id = "outage-sub-" + std::to_string(broker.port());
  auto sub = std::make_unique<Subscriber>(broker.port(), sub_id);
  if (!sub->wait_subscribed(10s)) return result;

  auto opened = bridge::store::Store::open(dir / "state.db");
  if (!opened) return result;
  auto store = std::move(*opened);
  bridge::mqtt::Options o;
  o.port = broker.port();
  o.mode = bridge::mqtt::Mode::gateway;
  o.client_id = "outage-bridge-" + std::to_string(broker.port());
  o.reconnect_min = 100ms;
  o.reconnect_max = 1s;
  o.replay_rate = p.replay_rate;
  bridge::mqtt::Exporter exporter(o, *store);
  exporter.start();

  // (meter, ts) -> active_energy value produced; and which were produced during the outage.
  std::map<std::pair<std::string, std::int64_t>, double> produced;
  std::set<std::pair<std::string, std::int64_t>> during_outage;
  std::atomic<bool> in_outage{false};
  std::atomic<bool> producing{true};
  std::mutex produced_mutex;
  std::atomic<std::int64_t> peak{0};
  std::thread producer([&] {
    const auto base_ts = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
    auto next = Clock::now();
    for (std::int64_t n = 0; producing; ++n) {
      for (int m = 0; m < p.meters; ++m) {
        auto r = outage_reading(m, n, base_ts + n * p.period.count());
        {
          std::lock_guard lock(produced_mutex);
          produced[{r.meter, r.ts_ms}] = r.values[1].value;
          if (in_outage) during_outage.insert({r.meter, r.ts_ms});
        }
        exporter.on_reading(r);
      }
      peak = std::max(peak.load(), store->outbox_count());
      next += p.period;
      std::this_thread::sleep_until(next);
    }
  });

  std::this_thread::sleep_for(p.before);
  in_outage = true;
  broker.stop();
  std::this_thread::sleep_for(p.outage);
  broker.start();
  in_outage = false;
  const auto restarted = Clock::now();
  std::this_thread::sleep_for(p.after);
  producing = false;
  producer.join();

  const std::size_t expected = produced.size();
  testing_support::wait_until(
      [&] {
        std::size_t got = 0;
        std::set<std::pair<std::string, std::int64_t>> seen;
        for (const auto& m : sub->messages()) {
          if (m.topic != "v1/gateway/telemetry") continue;
          const auto parsed = nlohmann::json::parse(m.payload);
          for (const auto& [device, arr] : parsed.items()) {
            for (const auto& e : arr) seen.insert({device, e["ts"].get<std::int64_t>()});
          }
        }
        got = seen.size();
        return got >= expected && store->outbox_count() == 0;
      },
      p.drain_timeout);
  result.replay_seconds = std::chrono::duration<double>(Clock::now() - restarted).count();

  std::map<std::pair<std::string, std::int64_t>, std::vector<std::string>> copies;
  std::map<std::string, std::int64_t> last_outage_ts;
  for (const auto& m : sub->messages()) {
    if (m.topic != "v1/gateway/telemetry") continue;
    const auto parsed = nlohmann::json::parse(m.payload);
    for (const auto& [device, arr] : parsed.items()) {
      for (const auto& e : arr) {
        const std::pair<std::string, std::int64_t> key{device, e["ts"].get<std::int64_t>()};
        auto& c = copies[key];
        c.push_back(e.dump());
        if (c.size() == 1 && during_outage.count(key)) {
          auto it = last_outage_ts.find(device);
          if (it != last_outage_ts.end() && key.second < it->second) result.outage_out_of_order++;
          last_outage_ts[device] = std::max(key.second, it == last_outage_ts.end() ? key.second : it->second);
        }
      }
    }
  }
  for (const auto& [key, c] : copies) {
    auto it = produced.find(key);
    if (it == produced.end()) {
      result.unexpected++;
      continue;
    }
    const auto first = nlohmann::json::parse(c.front());
    if (first["values"]["active_energy"].get<double>() != it->second) result.duplicates_differing++;
    for (std::size_t i = 1; i < c.size(); ++i) {
      result.duplicates++;
      if (c[i] != c.front()) result.duplicates_differing++;
    }
  }
  for (const auto& [key, v] : produced) result.missing += copies.count(key) == 0;
  result.produced = expected;
  result.produced_during_outage = during_outage.size();
  result.distinct_received = copies.size();
  result.outbox_left = store->outbox_count();
  result.outbox_peak = peak;
  result.drained = result.missing == 0 && result.outbox_left == 0;
  exporter.stop(2s);
  result.stats = exporter.stats();
  result.broker_log = broker.log();
  sub.reset();
  return result;
}

}  // namespace mqtt_testing
