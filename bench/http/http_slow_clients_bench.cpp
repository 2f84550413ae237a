// Latency of /metrics and /-/healthy on the real `dlms-bridge run` while other connections
// misbehave: none (baseline), N idle TCP connections plus M that drip header bytes (plain), or
// N TCP connections to the TLS port that never handshake plus M that stall mid-ClientHello.
// Each probe is a fresh connection (TLS handshake included) with a 5 s timeout; a timeout is
// reported as a failure. Also reports the bridge's threads and RSS (/proc).
//
//   build/bin/http_slow_clients_bench --idle 200 --dripping 20 --probes 200 [--tls]
#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "testing/process.h"
#include "testing/raw_http.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Stats {
  std::vector<double> ms;
  int failures = 0;
  double pct(double p) const {
    if (ms.empty()) return 0;
    auto v = ms;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
  }
};

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

// One GET on a fresh connection; latency in ms, or a negative value on failure/timeout.
double probe(const std::string& url) {
  CURL* c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  const auto t0 = Clock::now();
  const CURLcode rc = curl_easy_perform(c);
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(c);
  return rc == CURLE_OK && status == 200 ? ms : -1;
}

std::string proc_status(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) {
      auto v = line.substr(key.size() + 1);
      v.erase(0, v.find_first_not_of(" \t"));
      return v;
    }
  }
  return "?";
}

void run_phase(const std::string& name, const std::string& base, int probes, pid_t pid) {
  Stats metrics, healthy;
  for (int i = 0; i < probes; ++i) {
    const double m = probe(base + "/metrics");
    const double h = probe(base + "/-/healthy");
    if (m < 0) ++metrics.failures; else metrics.ms.push_back(m);
    if (h < 0) ++healthy.failures; else healthy.ms.push_back(h);
  }
  std::printf("| %s | /metrics | %.2f | %.2f | %.2f | %d/%d | %s | %s |\n", name.c_str(), metrics.pct(0.5),
              metrics.pct(0.99), metrics.pct(1.0), metrics.failures, probes, proc_status(pid, "Threads").c_str(),
              proc_status(pid, "VmRSS").c_str());
  std::printf("| %s | /-/healthy | %.2f | %.2f | %.2f | %d/%d | %s | %s |\n", name.c_str(), healthy.pct(0.5),
              healthy.pct(0.99), healthy.pct(1.0), healthy.failures, probes, proc_status(pid, "Threads").c_str(),
              proc_status(pid, "VmRSS").c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"HTTP latency of dlms-bridge run with idle/slow connections held open"};
  int idle = 200, dripping = 20, probes = 200, meters = 100;
  bool tls = false;
  std::string bin_dir = "build/bin", extra_http;
  app.add_option("--idle", idle, "connections that send nothing");
  app.add_option("--dripping", dripping, "connections that send one header byte every 200 ms");
  app.add_option("--probes", probes, "probes per path and phase");
  app.add_option("--meters", meters, "meters in the config (size of /metrics)");
  app.add_flag("--tls", tls, "serve TLS; idle connections never handshake");
  app.add_option("--bin-dir", bin_dir, "where dlms-bridge is");
  app.add_option("--http", extra_http, "extra [http] lines, e.g. 'max_connections = 100'");
  CLI11_PARSE(app, argc, argv);
  curl_global_init(CURL_GLOBAL_DEFAULT);

  testing_support::TempDir dir;
  const int port = testing_support::free_port();
  std::string http = "[http]\nlisten = \"127.0.0.1:" + std::to_string(port) + "\"\n" + extra_http + "\n";
  if (tls) {
    const auto key = (dir / "k.pem").string(), crt = (dir / "c.pem").string();
    testing_support::run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                          "-nodes", "-keyout", key, "-out", crt, "-subj", "/CN=127.0.0.1", "-days", "1"});
    http += "[http.tls_server_config]\ncert_file = \"" + crt + "\"\nkey_file = \"" + key + "\"\n";
  }
  std::string config = "[bridge]\nstate_dir = \"" + dir.path().string() + "\"\n" + http +
                       "[mqtt]\nenabled = false\n[qos]\npoll_interval = \"60s\"\nrequest_timeout = \"1s\"\n";
  for (int i = 1; i <= meters; ++i) {
    config += "[[meter]]\nid = \"m" + std::to_string(i) + "\"\nhost = \"127.0.0.1\"\nport = 9\n";
  }
  testing_support::write_file(dir / "bridge.toml", config);
  testing_support::Child bridge({bin_dir + "/dlms-bridge", "run", "--config", (dir / "bridge.toml").string()},
                                dir / "bridge.log");
  const std::string base = std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port);
  if (!testing_support::wait_until([&] { return probe(base + "/-/healthy") >= 0; }, 20s)) {
    std::cerr << "dlms-bridge did not come up:\n" << bridge.log();
    return 1;
  }
  std::printf("%s, %d meters, %d probes per row (fresh connection each, 5 s timeout)\n\n", tls ? "TLS" : "plain",
              meters, probes);
  std::printf("| phase | path | p50 ms | p99 ms | max ms | failed | bridge threads | bridge RSS |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  run_phase("no other connections", base, probes, bridge.pid());

  std::vector<int> held;
  for (int i = 0; i < idle + dripping; ++i) held.push_back(testing_support::open_socket(port));
  std::atomic<bool> stop{false};
  const std::string drip = tls ? std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)
                               : "GET /-/healthy HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 'a');
  std::thread dripper([&] {
    for (std::size_t i = 0; !stop; i = (i + 1) % drip.size()) {
      for (int k = idle; k < idle + dripping; ++k) (void)::send(held[k], &drip[i], 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      std::this_thread::sleep_for(200ms);
    }
  });
  std::this_thread::sleep_for(200ms);
  const std::string name = std::to_string(idle) + (tls ? " never-handshaking + " : " idle + ") +
                           std::to_string(dripping) + (tls ? " stalled-handshake" : " dripping");
  run_phase(name, base, probes, bridge.pid());
  stop = true;
  dripper.join();
  for (int fd : held) ::close(fd);
  std::printf("\nbridge peak RSS (VmHWM): %s\n", proc_status(bridge.pid(), "VmHWM").c_str());
  bridge.stop();
  return 0;
}
