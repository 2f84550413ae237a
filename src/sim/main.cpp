// dlms-meter-sim: simulated DLMS/COSEM meters for tests, benchmarks and demos.
// Exit codes: 0 ok (also after SIGTERM/SIGINT), 1 failure, 2 usage error.
#include <CLI/CLI.hpp>
#include <atomic>
#include <iostream>
#include <thread>

#include "bridge/asio.h"

#include <boost/asio/signal_set.hpp>
#include "bridge/log.h"
#include "bridge/open_files.h"
#include "bridge/version.h"
#include "sim/simulator.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "dlms-meter-sim: one DLMS/COSEM meter or a fleet (HDLC or IEC 62056-47 wrapper over TCP) with fault injection.\n"
      "Prints 'listening meters=N ports=MODE transport=T profile=P port=P last_port=P control=P' on stdout once ready.",
      "dlms-meter-sim"};
  app.set_version_flag("--version", bridge::version_line("dlms-meter-sim"));

  sim::SimulatorOptions options;
  std::string listen = "127.0.0.1:4059";
  std::string control;
  std::string ports;
  std::string profile = "microstar";
  std::string transport = "hdlc";
  std::string scenario;
  std::string log_level = "info";
  bool verbose = false;

  app.add_option("--listen", listen, "HOST:PORT of the meter port (port 0: ephemeral, see the listening line)")
      ->capture_default_str();
  app.add_option("--meters", options.meters, "Number of meters (meter k answers server physical address k)")
      ->check(CLI::Range(1U, sim::kMaxMeters))
      ->capture_default_str();
  app.add_option("--ports", ports, "consecutive (meter k on port+k-1) or shared (one port; default for N>1)")
      ->check(CLI::IsMember({"consecutive", "shared"}));
  app.add_option("--profile", profile, "Meter profile")
      ->check(CLI::IsMember({"microstar", "generic"}))
      ->capture_default_str();
  app.add_option("--transport", transport, "hdlc (IEC 62056-46) or wrapper (IEC 62056-47)")
      ->check(CLI::IsMember({"hdlc", "wrapper"}))
      ->capture_default_str();
  app.add_option("--scenario", scenario, "TOML scenario file (faults and passwords per meter)")
      ->check(CLI::ExistingFile);
  app.add_option("--control", control, "HOST:PORT of the HTTP+JSON control endpoint (loopback; port 0: ephemeral)");
  std::uint64_t seed = 1;
  auto* seed_option =
      app.add_option("--seed", seed, "Seed of values and fault coin flips (default: the scenario's seed, else 1)");
  app.add_option("--fault", options.faults, "KEY=VALUE fault for every meter (or --fault-meters), e.g. corrupt_fcs=0.1")
      ->take_all();
  app.add_option("--fault-meters", options.fault_meters, "Meter ids the --fault options apply to (default all)")
      ->delimiter(',');
  std::uint16_t physical_address = 0;
  auto* physical_option = app.add_option(
      "--physical-address", physical_address,
      "One meter only: it answers just this server physical address (logical 1; 0 too on the Microstar) and its "
      "serial ends in it, the vendor's factory setting (no physical-1 alias on its own port)");
  physical_option->check(CLI::Range(1, 16383));
  double idle_timeout_s = 0;
  app.add_option("--idle-timeout", idle_timeout_s,
                 "Seconds without a valid frame before the meter drops link and association (default: profile, "
                 "180 microstar / 120 generic)")
      ->check(CLI::Range(0.001, 86400.0));
  int hls_client = -1;
  std::string hls_title, hls_ek, hls_ak, hls_policy = "authenticated_encrypted";
  app.add_option("--hls-gmac-client", hls_client,
                 "Client SAP that must use HLS-GMAC (mechanism 5) with ciphered APDUs, e.g. 1 (management)")
      ->check(CLI::Range(1, 127));
  app.add_option("--hls-system-title", hls_title, "HLS-GMAC: the meter's system title, 16 hex digits "
                                                  "(default 4D4D4D0000BC614E, the Green Book example)");
  app.add_option("--hls-block-cipher-key", hls_ek, "HLS-GMAC: EK, 32 hex digits (default 000102..0F)");
  app.add_option("--hls-authentication-key", hls_ak, "HLS-GMAC: AK, 32 hex digits (default D0D1..DF)");
  app.add_option("--hls-security-policy", hls_policy, "HLS-GMAC: what every APDU must carry")
      ->check(CLI::IsMember({"authenticated_encrypted", "authenticated", "encrypted"}))
      ->capture_default_str();
  app.add_flag("--verbose", verbose, "Debug logging, including every frame in hex");
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|critical|off")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }

  bridge::log::Level level;
  if (!bridge::log::parse_level(log_level, level)) {
    std::cerr << "dlms-meter-sim: unknown --log-level '" << log_level << "'\n";
    return kExitUsage;
  }
  bridge::log::set_level(verbose ? bridge::log::Level::debug : level);

  auto listen_address = sim::parse_host_port(listen);
  if (!listen_address) {
    std::cerr << "dlms-meter-sim: --listen: " << listen_address.error() << "\n";
    return kExitUsage;
  }
  options.listen = *listen_address;
  if (!control.empty()) {
    auto control_address = sim::parse_host_port(control);
    if (!control_address) {
      std::cerr << "dlms-meter-sim: --control: " << control_address.error() << "\n";
      return kExitUsage;
    }
    options.control = *control_address;
  }
  options.ports = ports == "consecutive" ? sim::PortMode::consecutive : sim::PortMode::shared;
  options.profile = profile == "generic" ? sim::ProfileKind::generic : sim::ProfileKind::microstar;
  options.transport = transport == "wrapper" ? sim::Transport::wrapper : sim::Transport::hdlc;
  if (!scenario.empty()) options.scenario = scenario;
  if (seed_option->count() > 0) options.seed = seed;
  if (physical_option->count() > 0) options.physical_address = physical_address;
  if (idle_timeout_s > 0) {
    options.idle_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(idle_timeout_s * 1000));
  }

  if (hls_client > 0) {
    sim::HlsGmacClient hls;
    hls.client_sap = static_cast<std::uint8_t>(hls_client);
    const std::pair<const std::string*, dlms::Bytes*> fields[] = {
        {&hls_title, &hls.system_title}, {&hls_ek, &hls.block_cipher_key}, {&hls_ak, &hls.authentication_key}};
    for (const auto& [text, bytes] : fields) {
      if (text->empty()) continue;
      auto parsed = dlms::from_hex(*text);
      if (!parsed || parsed->size() != bytes->size()) {
        std::cerr << "dlms-meter-sim: HLS-GMAC: expected " << bytes->size() * 2 << " hex digits, got '" << *text
                  << "'\n";
        return kExitUsage;
      }
      *bytes = std::move(*parsed);
    }
    hls.security_control = hls_policy == "authenticated" ? 0x10 : hls_policy == "encrypted" ? 0x20 : 0x30;
    options.hls_gmac = hls;
  }

  auto fd_limit = bridge::raise_open_files_limit();
  // One descriptor per connection, plus one listener per meter with consecutive ports.
  std::uint64_t per_meter = options.ports == sim::PortMode::consecutive ? 2 : 1;
  if (fd_limit < per_meter * options.meters + 64) {
    bridge::log::warn("file descriptor limit is low for this fleet", {{"limit", fd_limit}, {"meters", options.meters}});
  }

  boost::asio::io_context io(1);
  // Installed before the listening line is printed, so a test that signals right after seeing
  // the line gets a clean shutdown.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  sim::Simulator simulator(io, options);
  if (auto r = simulator.start(); !r) {
    std::cerr << "dlms-meter-sim: " << r.error() << "\n";
    return kExitFailure;
  }
  std::cout << simulator.listening_line() << std::endl;

  auto guard = boost::asio::make_work_guard(io);
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    bridge::log::info("stopping", {{"signal", signal}});
    simulator.stop();
    guard.reset();
  });

  io.run();

  // CivetWeb handlers post to the io_context: keep it turning while the control server stops.
  std::atomic<bool> control_stopped{false};
  std::thread stopper([&] {
    simulator.stop_control();
    control_stopped = true;
  });
  while (!control_stopped) {
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
  stopper.join();
  bridge::log::info("stopped");
  return kExitOk;
}
