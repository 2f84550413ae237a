#include "fixture.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace http_it {

MetricsServer::MetricsServer(int meters, bridge::api::HttpOptions options) {
  exposition->add(metrics->registry());
  exposition->add(std::static_pointer_cast<const bridge::prometheus::Collector>(metrics));
  exposition->add(std::static_pointer_cast<const bridge::prometheus::Collector>(readings));
  exposition->add(std::make_shared<const bridge::prometheus::ProcessCollector>());
  for (int k = 1; k <= meters; ++k) {
    metrics->add_meter("meter-" + std::to_string(k));
    poll(k, 230.0 + k);
  }
  options.listen = "127.0.0.1:0";
  auto started = bridge::api::HttpServer::start(options);
  if (!started) throw std::runtime_error("http server: " + started.error().message);
  server = std::move(*started);
  server->serve_metrics(exposition);
}

void MetricsServer::poll(int k, double volts) {
  const std::string id = "meter-" + std::to_string(k);
  auto* m = metrics->meter(id);
  if (m == nullptr) return;
  m->polls_total.Increment();
  m->up.Set(1);
  m->connected.Set(1);
  m->last_success_timestamp_seconds.Set(
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  m->readings_published_total.Increment();
  metrics->poll_duration_seconds().Observe(0.3);
  bridge::Reading r;
  r.meter = id;
  r.ts_ms = 0;
  auto value = [](std::string key, std::string obis, double v, int unit) {
    bridge::RegisterValue rv;
    rv.key = std::move(key);
    rv.obis = std::move(obis);
    rv.value = v;
    rv.unit = unit;
    return rv;
  };
  r.values = {value("voltage_l1", "1-1:32.7.0.255", volts, 35), value("current_l1", "1-1:31.7.0.255", 1.3, 33),
              value("active_energy", "1-1:1.8.0.255", 56281, 30), value("power_factor", "1-1:13.7.0.255", 0.95, 255)};
  readings->on_reading(r);
}

}  // namespace http_it
