#pragma once
// TCP side of dlms-meter-sim: listeners (one shared fleet port, or one port per meter) and one
// Connection per accepted socket, all on one io_context thread (no thread per meter).
//
// Faults applied here (on bytes and time): close_on_accept, refuse on per-meter ports (the
// listener is really closed while the fault is set, and reopened on the same port when it is
// cleared; one count per closure, since the kernel refuses the attempts the simulator never
// sees), slow responses, garbage between frames, corrupt HCS/FCS, drop mid-frame, 1-byte writes.
#include <cstdint>
#include <memory>
#include <string>

#include "bridge/result.h"
#include "sim/server_session.h"

namespace boost::asio {
class io_context;
}

namespace sim {

enum class PortMode { consecutive, shared };
constexpr std::string_view to_label(PortMode m) {
  return m == PortMode::shared ? "shared" : "consecutive";
}

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: ephemeral (consecutive mode finds N consecutive free ports)
  PortMode mode = PortMode::shared;
  Transport transport = Transport::hdlc;
};

class Server {
 public:
  Server(boost::asio::io_context& io, Fleet& fleet, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every listener (throws nothing; the error names the address).
  bridge::Result<void, std::string> start();
  // Closes listeners and every connection; pending handlers finish on the io_context.
  void stop();

  std::uint16_t base_port() const;  // shared port, or meter 1's port
  std::uint16_t port_of(const Meter& meter) const;
  std::size_t connections() const;

  // Control hooks.
  void faults_changed(Meter& meter);
  std::size_t disconnect(Meter& meter);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sim
