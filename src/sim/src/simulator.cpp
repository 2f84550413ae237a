#include "sim/simulator.h"

#include <charconv>

#include "bridge/asio.h"
#include "bridge/log.h"
#include "sim/scenario.h"

namespace sim {

bridge::Result<HostPort, std::string> parse_host_port(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return bridge::fail("\"" + std::string(text) + "\" is not HOST:PORT");
  }
  auto host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  auto port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port > 65535) {
    return bridge::fail("\"" + std::string(port_text) + "\" is not a port 0..65535");
  }
  return HostPort{host == "localhost" ? "127.0.0.1" : std::string(host), static_cast<std::uint16_t>(port)};
}

Simulator::Simulator(boost::asio::io_context& io, SimulatorOptions options) : io_(io), options_(std::move(options)) {}

Simulator::~Simulator() {
  stop_control();
  stop();
}

bridge::Result<void, std::string> Simulator::start() {
  if (options_.meters < 1 || options_.meters > kMaxMeters) {
    return bridge::fail("--meters must be 1.." + std::to_string(kMaxMeters));
  }
  std::optional<Scenario> scenario;
  if (options_.scenario) {
    auto loaded = load_scenario(*options_.scenario);
    if (!loaded) return bridge::fail(loaded.error());
    scenario = std::move(*loaded);
  }
  Profile profile = make_profile(options_.profile);
  if (options_.idle_timeout) profile.idle_timeout = *options_.idle_timeout;
  if (options_.hls_gmac) profile.hls_gmac = *options_.hls_gmac;
  // --seed wins over the scenario's seed; 1 when neither sets one.
  seed_ = options_.seed ? *options_.seed : (scenario && scenario->seed ? *scenario->seed : 1);
  fleet_ = std::make_unique<Fleet>(options_.meters, profile, seed_);
  if (options_.physical_address) {
    if (options_.meters != 1) return bridge::fail("--physical-address needs --meters 1 (meter k of a fleet answers k)");
    if (*options_.physical_address < 1 || *options_.physical_address > 16383) {
      return bridge::fail("--physical-address must be 1..16383 (14 bits, 4-byte HDLC address)");
    }
    fleet_->find(1)->set_physical_address(*options_.physical_address);
  }
  if (scenario) {
    if (auto r = apply_scenario(*scenario, *fleet_); !r) return r;
  }
  for (auto id : options_.fault_meters) {
    if (!fleet_->find(id)) return bridge::fail("--fault-meters: meter " + std::to_string(id) + " is not in the fleet");
  }
  for (const auto& text : options_.faults) {
    FaultSettings probe;
    if (auto r = apply_fault_text(probe, text); !r) return bridge::fail("--fault: " + r.error());
    for (auto& meter : *fleet_) {
      bool selected = options_.fault_meters.empty() ||
                      std::find(options_.fault_meters.begin(), options_.fault_meters.end(), meter->id()) !=
                          options_.fault_meters.end();
      if (selected) (void)apply_fault_text(meter->faults(), text);
    }
  }

  ServerOptions server_options{options_.listen.host, options_.listen.port, options_.ports, options_.transport};
  server_ = std::make_unique<Server>(io_, *fleet_, server_options);
  if (auto r = server_->start(); !r) return r;

  if (options_.control) {
    ControlHooks hooks{[this](Meter& m) { server_->faults_changed(m); },
                       [this](Meter& m) { return server_->disconnect(m); },
                       [this](const Meter& m) { return server_->port_of(m); }};
    control_api_ = std::make_unique<ControlApi>(*fleet_, std::move(hooks));
    control_ = std::make_unique<ControlServer>(io_, *control_api_);
    if (auto r = control_->start(options_.control->host, options_.control->port); !r) return r;
  }
  bridge::log::info("simulator started", {{"meters", options_.meters},
                                          {"profile", to_label(options_.profile)},
                                          {"transport", to_label(options_.transport)},
                                          {"ports", to_label(options_.ports)},
                                          {"port", port()},
                                          {"control", control_port()},
                                          {"seed", seed_}});
  return {};
}

void Simulator::stop() {
  if (server_) server_->stop();
}

void Simulator::stop_control() {
  if (control_) control_->stop();
}

std::uint16_t Simulator::port() const {
  return server_ ? server_->base_port() : 0;
}
std::uint16_t Simulator::control_port() const {
  return control_ ? control_->port() : 0;
}

std::string Simulator::listening_line() const {
  auto last = fleet_ && server_ ? server_->port_of(*fleet_->find(fleet_->size())) : 0;
  bool shared = options_.ports == PortMode::shared && options_.meters > 1;
  return "listening meters=" + std::to_string(options_.meters) + " ports=" + (shared ? "shared" : "consecutive") +
         " transport=" + std::string(to_label(options_.transport)) +
         " profile=" + std::string(to_label(options_.profile)) + " port=" + std::to_string(port()) +
         " last_port=" + std::to_string(last) + " control=" + std::to_string(control_port());
}

}  // namespace sim
