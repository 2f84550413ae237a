#pragma once
// HTTP carrier of the control API (CivetWeb). Requests arrive on CivetWeb threads and are
// executed on the simulator's io_context (posted, waited for up to 5 s), so meter state is only
// ever touched by one thread.
#include <cstdint>
#include <string>

#include "bridge/result.h"

struct mg_context;
struct mg_connection;
namespace boost::asio {
class io_context;
}

namespace sim {

class ControlApi;

class ControlServer {
 public:
  ControlServer(boost::asio::io_context& io, ControlApi& api);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // host must be a loopback address; port 0 picks a free port (see port()).
  bridge::Result<void, std::string> start(const std::string& host, std::uint16_t port);
  void stop();
  std::uint16_t port() const { return port_; }

 private:
  static int on_request(mg_connection* conn, void* self);
  int serve(mg_connection* conn);

  boost::asio::io_context& io_;
  ControlApi& api_;
  mg_context* ctx_ = nullptr;
  std::uint16_t port_ = 0;
  std::string host_;
};

}  // namespace sim
