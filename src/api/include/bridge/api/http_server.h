#pragma once
// The one HTTP server of the bridge (docs/contract.md): /metrics, /-/healthy, /-/ready,
// POST /-/reload, and whatever routes other components register (REST API, status page).
// Owns a CivetWeb context; TLS, basic auth, bearer token and gzip apply to every route.
// Every CivetWeb callback is guarded: no exception leaves one, every answer (CivetWeb's own
// 4xx included) is JSON, and the request target is validated before anything sees it.
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "bridge/api/basic_auth.h"
#include "bridge/api/http_options.h"
#include "bridge/api/http_types.h"
#include "bridge/api/readiness.h"
#include "bridge/api/router.h"
#include "bridge/result.h"

struct mg_context;

namespace bridge::prometheus {
class Collector;
class Exposition;
}

namespace bridge::api {

namespace detail {
class ConnectionGuard;
}

// Called by POST /-/reload with who asked ("user NAME" for basic auth, "bearer token", or
// "anonymous") and the request's `?confirm=` value (empty when absent). An error is answered as
// it is: the hook decides the status (500 failed, 409 refused, 400 bad confirm) and the JSON body
// (Response::error or Response::json with an "error" member).
using ReloadHook = std::function<Result<void, Response>(const std::string& actor, const std::string& confirm)>;

class HttpServer {
 public:
  // Validates the options, binds and starts the worker threads. A listen address that is taken
  // is Code::listen with "<host:port> is already in use".
  static Result<std::unique_ptr<HttpServer>, HttpError> start(const HttpOptions& options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Registers a route. `pattern` is a path whose segments may be `{name}` placeholders
  // ("/api/v1/meters/{id}/{action}"); HEAD is served by the GET handler without a body; a path
  // that matches with another method gets 405 and an Allow header; none matches: 404.
  // A later registration of the same method + pattern replaces the earlier one.
  void handle(Method method, const std::string& pattern, Handler handler);
  // GET /metrics (or `path`) from an exposition, gzip when the scraper accepts it.
  void serve_metrics(std::shared_ptr<const prometheus::Exposition> exposition, const std::string& path = "/metrics");
  // dlms_bridge_http_connections_* (accepted, rejected, timed out, open, max) for /metrics;
  // valid while the server lives.
  std::shared_ptr<const prometheus::Collector> connection_metrics() const;

  Readiness& readiness() { return readiness_; }
  void set_reload_hook(ReloadHook hook);

  int port() const { return port_; }     // the bound port (listen "127.0.0.1:0" works)
  bool tls() const { return tls_; }
  std::string url() const;               // http(s)://127.0.0.1:<port> style base URL

  // Stops accepting and joins the worker threads (also done by the destructor).
  void stop();

  // Runs the whole pipeline (target validation, auth, routing, gzip decision) for one request
  // with raw_path/query as sent; the CivetWeb glue calls this, tests may too.
  Response dispatch(Request request, bool accepts_gzip);

 private:
  class Glue;

  explicit HttpServer(const HttpOptions& options);
  void add_builtin_routes();
  std::optional<Response> authenticate(Request& request);

  HttpOptions options_;
  BasicAuth basic_auth_;
  Readiness readiness_;
  std::mutex reload_mutex_;
  ReloadHook reload_hook_;
  Router router_;
  int port_ = 0;
  bool tls_ = false;
  std::string host_;
  std::shared_ptr<detail::ConnectionGuard> guard_;
  std::shared_ptr<const prometheus::Collector> connection_metrics_;
  void* pending_ssl_ctx_ = nullptr;  // SSL_CTX* until CivetWeb takes it at start
  mg_context* context_ = nullptr;  // stopped first (stop()), before routes go away
};

}  // namespace bridge::api
