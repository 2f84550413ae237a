// Driver: bench/results/scrape.md explains the scenario and holds the numbers.
//   build/bin/scrape_bench [--meters 10000] [--registers 6] [--seconds 15] [--poll-share 0.25]
#include <utility>  // before Asio (Boost 1.74 awaitable.hpp needs std::exchange)

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <curl/curl.h>
#include <zlib.h>
#include <time.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bridge/api/http_server.h"
#include "bridge/labels.h"
#include "bridge/log.h"
#include "bridge/prometheus/bridge_metrics.h"
#include "bridge/prometheus/exposition.h"
#include "bridge/prometheus/process_collector.h"
#include "bridge/prometheus/readings_collectable.h"
#include "gzip_options.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// CPU time of the calling thread: the box is shared (load ~15 on 2 vCPUs), so wall time alone
// mostly measures the neighbours.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// CPU time of the whole process (server threads and curl).
double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// Same call as the server's gzip (level 1, gzip wrapper).
std::size_t gzip_size(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  return zs.total_out;
}

struct Stats {
  double p50 = 0, p95 = 0, p99 = 0, max = 0, mean = 0;
  std::size_t n = 0;
};
Stats stats(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * (v.size() - 1) + 0.5))]; };
  s.p50 = at(0.5);
  s.p95 = at(0.95);
  s.p99 = at(0.99);
  s.max = v.back();
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / v.size();
  s.n = v.size();
  return s;
}

std::size_t count_samples(const std::string& body) {
  std::size_t n = 0;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto nl = body.find('\n', pos);
    if (nl == std::string::npos) nl = body.size();
    if (nl > pos && body[pos] != '#') ++n;
    pos = nl + 1;
  }
  return n;
}

bridge::RegisterValue reg(const char* obis, double v, int unit) {
  bridge::RegisterValue r;
  r.key = "k";
  r.obis = obis;
  r.value = v;
  r.unit = unit;
  return r;
}

const bridge::RegisterValue kRegisters[] = {reg("1-1:32.7.0.255", 230.1, 35), reg("1-1:31.7.0.255", 1.3, 33),
                                            reg("1-1:1.7.0.255", 300.5, 27),  reg("1-1:1.8.0.255", 56281, 30),
                                            reg("1-1:14.7.0.255", 60, 44),    reg("1-1:13.7.0.255", 0.97, 255),
                                            reg("1-1:52.7.0.255", 229.8, 35), reg("1-1:72.7.0.255", 231.0, 35)};

std::string meter_id(int k) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "meter-%05d", k);
  return buf;
}

struct HttpResult {
  long status = 0;
  std::size_t bytes = 0;
  double ms = 0;
};

std::size_t sink(char*, std::size_t size, std::size_t n, void* user) {
  *static_cast<std::size_t*>(user) += size * n;
  return size * n;
}

// GET with a reused handle (keep-alive like Prometheus); bytes = bytes on the wire.
HttpResult fetch(CURL* curl, const std::string& url, bool gzip) {
  HttpResult r;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sink);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.bytes);
  curl_slist* headers = nullptr;
  if (gzip) headers = curl_slist_append(headers, "Accept-Encoding: gzip");  // raw: count compressed bytes
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  auto t0 = Clock::now();
  curl_easy_perform(curl);
  r.ms = ms(Clock::now() - t0);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  return r;
}

// A 10 ms periodic Asio timer; records how late each expiry ran. Each tick does a slice of
// poller work (one meter's counters and reading), so lock contention with scrapes is included.
std::vector<double> timer_lateness(std::chrono::seconds duration, bridge::prometheus::BridgeMetrics& metrics,
                                   bridge::prometheus::ReadingsCollectable& readings, int meters) {
  boost::asio::io_context io;
  boost::asio::steady_timer timer(io);
  std::vector<double> late;
  late.reserve(static_cast<std::size_t>(duration / 10ms) + 16);
  auto next = Clock::now() + 10ms;
  const auto end = Clock::now() + duration;
  int k = 0;
  std::function<void(const boost::system::error_code&)> tick = [&](const boost::system::error_code&) {
    late.push_back(ms(Clock::now() - next));
    auto id = meter_id(1 + (k++ % meters));
    if (auto* m = metrics.meter(id)) {
      m->polls_total.Increment();
      m->up.Set(1);
    }
    bridge::Reading r;
    r.meter = id;
    r.values.assign(std::begin(kRegisters), std::begin(kRegisters) + 6);
    readings.on_reading(r);
    if (Clock::now() >= end) return;
    next += 10ms;
    timer.expires_at(next);
    timer.async_wait(tick);
  };
  timer.expires_at(next);
  timer.async_wait(tick);
  io.run();
  return late;
}

void print_stats(const char* what, const Stats& s, const char* unit) {
  std::printf("| %s | %zu | %.2f | %.2f | %.2f | %.2f | %.2f | %s\n", what, s.n, s.p50, s.p95, s.p99, s.max, s.mean,
              unit);
}

}  // namespace

int main(int argc, char** argv) {
  int meters = 10000;
  int registers = 6;
  int seconds = 15;
  double poll_share = 0.25;  // meters polled between two scrapes: 60 s interval, 15 s scrapes
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--meters")) meters = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--registers")) registers = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--poll-share")) poll_share = std::atof(argv[i + 1]);
  }
  registers = std::clamp(registers, 0, 8);
  bridge::log::set_level(bridge::log::Level::warn);

  auto metrics = std::make_shared<bridge::prometheus::BridgeMetrics>();
  auto readings = std::make_shared<bridge::prometheus::ReadingsCollectable>();
  auto exposition = std::make_shared<bridge::prometheus::Exposition>();
  exposition->add(metrics->registry());
  exposition->add(std::static_pointer_cast<const bridge::prometheus::Collector>(metrics));
  exposition->add(std::static_pointer_cast<const bridge::prometheus::Collector>(readings));
  exposition->add(std::make_shared<const bridge::prometheus::ProcessCollector>());
  for (int k = 1; k <= meters; ++k) {
    auto& m = metrics->add_meter(meter_id(k));
    m.up.Set(1);
    m.polls_total.Increment(12345 + k);
    m.last_success_timestamp_seconds.Set(1764196800.0 + k);
    m.poll_failure(bridge::labels::PollFailure::timeout).Increment(k % 7);
    bridge::Reading r;
    r.meter = meter_id(k);
    r.values.assign(std::begin(kRegisters), std::begin(kRegisters) + registers);
    readings->on_reading(r);
  }

  std::printf("# scrape_bench: %d meters, %d registers each\n\n", meters, registers);

  // What a poll cycle changes for a meter; `share` of the meters, chosen at random each call
  // (the poller spreads the meters' phases over the interval).
  std::mt19937 rng(42);
  double fake_clock = 1764196800.0;
  auto poll = [&](double share) {
    std::bernoulli_distribution polled(share);
    fake_clock += 15;
    for (int k = 1; k <= meters; ++k) {
      if (!polled(rng)) continue;
      auto id = meter_id(k);
      auto* m = metrics->meter(id);
      m->polls_total.Increment();
      m->last_success_timestamp_seconds.Set(fake_clock + k % 60);
      m->observe_poll_duration(0.2 + (k % 97) / 1000.0);
      m->readings_total.Increment();
      m->readings_published_total.Increment();
      bridge::Reading r;
      r.meter = id;
      r.values.assign(std::begin(kRegisters), std::begin(kRegisters) + registers);
      for (auto& v : r.values) v.value += (k % 13) * 0.1 + fake_clock / 1e6;
      readings->on_reading(r);
    }
  };

  // 1. Render only (Exposition::render), in process.
  std::vector<double> render_ms, render_cpu, gzip_cpu;
  std::string body;
  std::size_t gz = 0;
  for (int i = 0; i < 15; ++i) {
    auto t0 = Clock::now();
    auto c0 = thread_cpu_ms();
    body = exposition->render();
    render_ms.push_back(ms(Clock::now() - t0));
    render_cpu.push_back(thread_cpu_ms() - c0);
    c0 = thread_cpu_ms();
    gz = gzip_size(body);
    gzip_cpu.push_back(thread_cpu_ms() - c0);
  }
  const auto samples = count_samples(body);
  std::printf("samples per scrape: %zu (readings: %zu), body: %.1f MB\n\n", samples, readings->series(),
              body.size() / 1e6);
  std::printf("| measurement | n | p50 | p95 | p99 | max | mean | unit\n|---|---|---|---|---|---|---|---|\n");
  print_stats("render: Exposition::render (direct text), wall", stats(render_ms), "ms");
  print_stats("render: Exposition::render, thread CPU", stats(render_cpu), "ms");
  print_stats("gzip level 1 of the body, thread CPU", stats(gzip_cpu), "ms");
  std::printf("\ngzip body: %.2f MB\n\n", gz / 1e6);

  // 1b. The gzip options on the same body (and ChunkedGzip in steady state).
  scrape_bench::compare_gzip_options([&] { return exposition->render(); }, poll);

  // 2. Baseline in the same run: the same per-meter series as prometheus-cpp Families, through
  //    Registry::Collect + TextSerializer (what the stock Exposer would do).
  {
    ::prometheus::Registry reg;
    std::vector<::prometheus::Family<::prometheus::Gauge>*> gauges;
    std::vector<::prometheus::Family<::prometheus::Counter>*> counters;
    for (const char* n : {"g_up", "g_connected", "g_paused", "g_last_success_timestamp_seconds", "g_cb_open"}) {
      gauges.push_back(&::prometheus::BuildGauge().Name(std::string("dlms_bridge_meter_") + n).Register(reg));
    }
    for (const char* n : {"polls_total", "cb_trips_total", "readings_published_total"}) {
      counters.push_back(&::prometheus::BuildCounter().Name(std::string("dlms_bridge_meter_") + n).Register(reg));
    }
    auto& failures = ::prometheus::BuildCounter().Name("dlms_bridge_meter_poll_failures_total").Register(reg);
    auto& reconnects = ::prometheus::BuildCounter().Name("dlms_bridge_meter_reconnects_total").Register(reg);
    auto& hdlc = ::prometheus::BuildCounter().Name("dlms_bridge_meter_hdlc_errors_total").Register(reg);
    auto& watchdog = ::prometheus::BuildCounter().Name("dlms_bridge_meter_watchdog_trips_total").Register(reg);
    auto t_build = Clock::now();
    for (int k = 1; k <= meters; ++k) {
      auto id = meter_id(k);
      for (auto* f : gauges) f->Add({{"meter", id}}).Set(k);
      for (auto* f : counters) f->Add({{"meter", id}}).Increment(k);
      for (auto v : bridge::labels::kPollFailures) failures.Add({{"meter", id}, {"reason", std::string(bridge::labels::to_label(v))}});
      for (auto v : bridge::labels::kReconnectCauses) reconnects.Add({{"meter", id}, {"cause", std::string(bridge::labels::to_label(v))}});
      for (auto v : bridge::labels::kHdlcErrors) hdlc.Add({{"meter", id}, {"kind", std::string(bridge::labels::to_label(v))}});
      for (auto v : bridge::labels::kWatchdogs) watchdog.Add({{"meter", id}, {"watchdog", std::string(bridge::labels::to_label(v))}});
    }
    const double build_ms = ms(Clock::now() - t_build);
    std::vector<double> collect_ms, serialize_ms;
    std::size_t size = 0;
    for (int i = 0; i < 5; ++i) {
      auto c0 = thread_cpu_ms();
      auto families = reg.Collect();
      auto c1 = thread_cpu_ms();
      std::ostringstream out;
      ::prometheus::TextSerializer().Serialize(out, families);
      size = out.str().size();
      collect_ms.push_back(c1 - c0);
      serialize_ms.push_back(thread_cpu_ms() - c1);
    }
    std::vector<double> direct_same;  // our path for exactly the per-meter part
    for (int i = 0; i < 5; ++i) {
      std::string text;
      bridge::prometheus::TextWriter w(text);
      auto c0 = thread_cpu_ms();
      metrics->collect(w);
      direct_same.push_back(thread_cpu_ms() - c0);
    }
    print_stats("baseline per-meter QoS: Registry::Collect, thread CPU", stats(collect_ms), "ms");
    print_stats("baseline per-meter QoS: TextSerializer, thread CPU", stats(serialize_ms), "ms");
    print_stats("ours per-meter QoS: BridgeMetrics::collect, thread CPU", stats(direct_same), "ms");
    std::printf("\nbaseline registry: built in %.0f ms, body %.1f MB\n\n", build_ms, size / 1e6);
  }

  // 3. Over HTTP (CivetWeb, loopback), plain and gzip.
  bridge::api::HttpOptions options;
  options.listen = "127.0.0.1:0";
  auto server = bridge::api::HttpServer::start(options);
  if (!server) {
    std::fprintf(stderr, "http: %s\n", server.error().message.c_str());
    return 1;
  }
  (*server)->serve_metrics(exposition);
  const std::string url = (*server)->url() + "/metrics";
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL* curl = curl_easy_init();
  std::vector<double> plain_ms, gzip_ms, plain_cpu, gzip_cpu_http;
  std::size_t plain_bytes = 0, gzip_bytes = 0;
  for (int i = 0; i < 10; ++i) {
    poll(poll_share);  // the server's gzip reuses what did not change since the last scrape
    // Process CPU around each GET: the server's render + gzip + send, plus curl reading raw
    // bytes (it does not inflate: the Accept-Encoding header is set by hand). The wall time on a
    // shared box is mostly waiting for a core.
    double c0 = process_cpu_ms();
    auto p = fetch(curl, url, false);
    plain_cpu.push_back(process_cpu_ms() - c0);
    plain_ms.push_back(p.ms);
    plain_bytes = p.bytes;
    c0 = process_cpu_ms();
    auto g = fetch(curl, url, true);
    gzip_cpu_http.push_back(process_cpu_ms() - c0);
    gzip_ms.push_back(g.ms);
    gzip_bytes = g.bytes;
  }
  std::printf("| measurement | n | p50 | p95 | p99 | max | mean | unit\n|---|---|---|---|---|---|---|---|\n");
  print_stats("HTTP GET /metrics, identity", stats(plain_ms), "ms");
  print_stats("HTTP GET /metrics, gzip (ChunkedGzip; --poll-share of meters polled before each)", stats(gzip_ms), "ms");
  print_stats("HTTP GET /metrics, identity, process CPU", stats(plain_cpu), "ms");
  print_stats("HTTP GET /metrics, gzip, process CPU", stats(gzip_cpu_http), "ms");
  std::printf("\nwire bytes: identity %.1f MB, gzip %.2f MB (ratio %.1f)\n\n", plain_bytes / 1e6, gzip_bytes / 1e6,
              gzip_bytes ? static_cast<double>(plain_bytes) / gzip_bytes : 0.0);

  // 4. A 10 ms timer on its own thread, without and with a gzip scrape every second.
  auto quiet = timer_lateness(std::chrono::seconds(seconds), *metrics, *readings, meters);
  std::atomic<bool> scraping{true};
  std::vector<double> scrape_ms;
  std::thread scraper([&] {
    CURL* c = curl_easy_init();
    auto next = Clock::now();
    while (scraping) {
      scrape_ms.push_back(fetch(c, url, true).ms);
      next += 1s;
      while (scraping && Clock::now() < next) std::this_thread::sleep_for(10ms);
    }
    curl_easy_cleanup(c);
  });
  auto busy = timer_lateness(std::chrono::seconds(seconds), *metrics, *readings, meters);
  scraping = false;
  scraper.join();
  std::printf("| timer lateness (10 ms period) | n | p50 | p95 | p99 | max | mean | unit\n|---|---|---|---|---|---|---|---|\n");
  print_stats("no scrapes", stats(quiet), "ms");
  print_stats("gzip scrape every 1 s", stats(busy), "ms");
  print_stats("(the scrapes themselves)", stats(scrape_ms), "ms");

  curl_easy_cleanup(curl);
  (*server)->stop();
  return 0;
}
