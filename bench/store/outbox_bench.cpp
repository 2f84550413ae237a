// Outbox throughput: rows/s for insert_batch alone and for the steady-state cycle of the MQTT
// exporter (insert a batch, then delete it as PUBACKs arrive), per batch size and durability.
//
//   build/bin/store_bench --benchmark_min_time=1
//
// Each benchmark uses a fresh database in a temp directory (same filesystem as /tmp).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bridge/log.h"
#include "bridge/store/store.h"

namespace {

using bridge::store::Durability;
using bridge::store::OutboxMessage;
using bridge::store::Store;
namespace fs = std::filesystem;

struct BenchDb {
  explicit BenchDb(Durability durability) {
    char tmpl[] = "/tmp/store-bench-XXXXXX";
    dir = ::mkdtemp(tmpl);
    bridge::store::StoreOptions o;
    o.durability = durability;
    auto s = Store::open(dir / "bench.db", o);
    if (s) store = std::move(*s);
  }
  ~BenchDb() {
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path dir;
  std::unique_ptr<Store> store;
};

// A realistic gateway-mode telemetry payload (~230 bytes: 8 registers).
std::vector<OutboxMessage> make_batch(int n) {
  std::vector<OutboxMessage> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const std::string meter = "meter-" + std::to_string(i % 1000);
    out.push_back(OutboxMessage{
        meter, "v1/gateway/telemetry",
        "{\"" + meter +
            "\":[{\"ts\":1764196265123,\"values\":{\"voltage_l1\":230.1,\"current_l1\":4.52,\"frequency\":50.01,"
            "\"active_power\":1040.0,\"active_energy\":123456789.0,\"voltage_l2\":229.8,\"voltage_l3\":231.0,"
            "\"power_factor\":0.98}}]}",
        1764196265123 + i, 0});
  }
  return out;
}

Durability durability_of(const benchmark::State& state) {
  return state.range(1) != 0 ? Durability::full : Durability::normal;
}

void BM_OutboxInsertThenDelete(benchmark::State& state) {
  bridge::log::set_level(bridge::log::Level::warn);
  BenchDb db(durability_of(state));
  if (!db.store) {
    state.SkipWithError("open failed");
    return;
  }
  const auto batch = make_batch(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto ids = db.store->outbox_insert_batch(batch);
    if (!ids) {
      state.SkipWithError(ids.error().message.c_str());
      return;
    }
    auto n = db.store->outbox_delete(*ids);
    if (!n) {
      state.SkipWithError(n.error().message.c_str());
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel(state.range(1) ? "full" : "normal");
}

void BM_OutboxInsert(benchmark::State& state) {
  bridge::log::set_level(bridge::log::Level::warn);
  BenchDb db(durability_of(state));
  if (!db.store) {
    state.SkipWithError("open failed");
    return;
  }
  const auto batch = make_batch(static_cast<int>(state.range(0)));
  std::vector<std::int64_t> inserted;
  for (auto _ : state) {
    auto ids = db.store->outbox_insert_batch(batch);
    if (!ids) {
      state.SkipWithError(ids.error().message.c_str());
      return;
    }
    inserted.insert(inserted.end(), ids->begin(), ids->end());
    if (inserted.size() >= 200'000) {  // keep the table at a realistic backlog size
      state.PauseTiming();
      (void)db.store->outbox_delete(inserted);
      inserted.clear();
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel(state.range(1) ? "full" : "normal");
}

void BM_OutboxDelete(benchmark::State& state) {
  bridge::log::set_level(bridge::log::Level::warn);
  BenchDb db(durability_of(state));
  if (!db.store) {
    state.SkipWithError("open failed");
    return;
  }
  const auto batch = make_batch(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    state.PauseTiming();
    auto ids = db.store->outbox_insert_batch(batch);
    state.ResumeTiming();
    if (!ids) {
      state.SkipWithError(ids.error().message.c_str());
      return;
    }
    auto n = db.store->outbox_delete(*ids);
    if (!n) {
      state.SkipWithError(n.error().message.c_str());
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel(state.range(1) ? "full" : "normal");
}

void Args(benchmark::internal::Benchmark* b) {
  for (int durability : {0, 1}) {
    for (int n : {1, 10, 100, 1000}) b->Args({n, durability});
  }
  b->ArgNames({"batch", "full"});
  b->UseRealTime();
}

BENCHMARK(BM_OutboxInsert)->Apply(Args);
BENCHMARK(BM_OutboxDelete)->Apply(Args);
BENCHMARK(BM_OutboxInsertThenDelete)->Apply(Args);

}  // namespace

BENCHMARK_MAIN();
