#pragma once
// A whole dlms-meter-sim: fleet + TCP server + optional control endpoint, assembled from the
// command-line options. main() and in-process tests use it the same way:
//   boost::asio::io_context io;  Simulator sim(io, options);  sim.start();  io.run();
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bridge/result.h"
#include "sim/control_api.h"
#include "sim/control_server.h"
#include "sim/fleet.h"
#include "sim/server.h"

namespace sim {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
// "127.0.0.1:4059", "[::1]:0", "localhost:80".
bridge::Result<HostPort, std::string> parse_host_port(std::string_view text);

struct SimulatorOptions {
  HostPort listen{"127.0.0.1", 4059};
  std::uint32_t meters = 1;
  PortMode ports = PortMode::shared;
  ProfileKind profile = ProfileKind::microstar;
  Transport transport = Transport::hdlc;
  std::optional<std::string> scenario;                    // TOML file
  std::optional<HostPort> control;                        // HTTP control endpoint (loopback only)
  std::optional<std::uint64_t> seed;                      // nullopt: the scenario's seed, else 1
  std::optional<HlsGmacClient> hls_gmac;                   // every meter: this client SAP speaks HLS-GMAC
  std::optional<std::chrono::milliseconds> idle_timeout;  // overrides the profile's inactivity timeout
  std::vector<std::string> faults;                        // "KEY=VALUE" applied after the scenario
  std::vector<std::uint32_t> fault_meters;                // meters the --fault options apply to (empty = all)
  std::optional<std::uint16_t> physical_address;          // one meter only: answer just this physical address
};

inline constexpr std::uint32_t kMaxMeters = 16383;  // 14-bit physical address (4-byte HDLC address)

class Simulator {
 public:
  Simulator(boost::asio::io_context& io, SimulatorOptions options);
  ~Simulator();

  // Builds the fleet, applies scenario and --fault options, binds listeners and the control
  // endpoint. Errors are for the operator (exit 1, or 2 for bad option values).
  bridge::Result<void, std::string> start();
  // Closes listeners and connections (on the io_context thread).
  void stop();
  // Stops the control endpoint; call from outside the io_context thread while it still runs
  // (CivetWeb handlers wait for the io_context).
  void stop_control();

  Fleet& fleet() { return *fleet_; }
  Server& server() { return *server_; }
  std::uint16_t port() const;          // shared port, or meter 1's port
  std::uint16_t control_port() const;  // 0 without --control
  // "listening meters=3 ports=shared transport=hdlc profile=microstar port=4059 last_port=4059 control=0"
  std::string listening_line() const;

 private:
  boost::asio::io_context& io_;
  SimulatorOptions options_;
  std::uint64_t seed_ = 1;
  std::unique_ptr<Fleet> fleet_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<ControlApi> control_api_;
  std::unique_ptr<ControlServer> control_;
};

}  // namespace sim
