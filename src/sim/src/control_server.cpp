#include "sim/control_server.h"

#include <civetweb.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "bridge/asio.h"
#include "bridge/log.h"
#include "sim/control_api.h"

namespace sim {
namespace {

constexpr auto kExecuteTimeout = std::chrono::seconds(5);
constexpr std::size_t kMaxBody = 64 * 1024;

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

void send(mg_connection* conn, const ControlResponse& r) {
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n"
            "Connection: close\r\n\r\n",
            r.status, reason_phrase(r.status), r.content_type.c_str(), r.body.size());
  mg_write(conn, r.body.data(), r.body.size());
}

}  // namespace

ControlServer::ControlServer(boost::asio::io_context& io, ControlApi& api) : io_(io), api_(api) {}

ControlServer::~ControlServer() {
  stop();
}

bridge::Result<void, std::string> ControlServer::start(const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  if (ec || !address.is_loopback())
    return bridge::fail("control endpoint must listen on loopback, not \"" + host + "\"");
  mg_init_library(0);
  std::string listen = (address.is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(port);
  const char* options[] = {"listening_ports", listen.c_str(), "num_threads", "2", nullptr};
  mg_callbacks callbacks{};
  ctx_ = mg_start(&callbacks, this, options);
  if (!ctx_) return bridge::fail("cannot listen on " + listen + " for the control endpoint");
  mg_set_request_handler(ctx_, "/", &ControlServer::on_request, this);
  mg_server_port ports[4]{};
  int n = mg_get_server_ports(ctx_, 4, ports);
  if (n < 1) {
    stop();
    return bridge::fail(std::string("control endpoint: cannot read the bound port"));
  }
  port_ = static_cast<std::uint16_t>(ports[0].port);
  host_ = host;
  return {};
}

void ControlServer::stop() {
  if (!ctx_) return;
  // CivetWeb's master thread polls its listener with a 2 s quantum, so mg_stop() alone takes up
  // to 2 s; a connection to our own port wakes it at once.
  std::atomic<bool> stopped{false};
  std::thread stopper([this, &stopped] {
    mg_stop(ctx_);
    stopped = true;
  });
  boost::asio::io_context poke_io;
  while (!stopped) {
    boost::asio::ip::tcp::socket poke(poke_io);
    boost::system::error_code ignored;
    poke.connect({boost::asio::ip::make_address(host_, ignored), port_}, ignored);
    poke.close(ignored);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stopper.join();
  ctx_ = nullptr;
}

int ControlServer::on_request(mg_connection* conn, void* self) {
  return static_cast<ControlServer*>(self)->serve(conn);
}

int ControlServer::serve(mg_connection* conn) {
  const mg_request_info* info = mg_get_request_info(conn);
  std::string method = info->request_method ? info->request_method : "";
  std::string path = info->local_uri ? info->local_uri : "/";
  std::string body;
  char chunk[4096];
  for (;;) {
    int n = mg_read(conn, chunk, sizeof chunk);
    if (n <= 0) break;
    body.append(chunk, static_cast<std::size_t>(n));
    if (body.size() > kMaxBody) {
      send(conn, {413, "application/json", R"({"error":"body too large"})"});
      return 413;
    }
  }
  auto promise = std::make_shared<std::promise<ControlResponse>>();
  auto future = promise->get_future();
  boost::asio::post(io_, [this, promise, method, path, body] { promise->set_value(api_.handle(method, path, body)); });
  ControlResponse response{503, "application/json", R"({"error":"simulator is shutting down"})"};
  if (future.wait_for(kExecuteTimeout) == std::future_status::ready) response = future.get();
  bridge::log::debug("control request", {{"method", method}, {"path", path}, {"status", response.status}});
  send(conn, response);
  return response.status;
}

}  // namespace sim
