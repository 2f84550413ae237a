// HttpServer: the CivetWeb glue (every C callback guarded), connection admission, auth and
// dispatch. Over 400 lines because CivetWeb's callbacks, their guards and the limits they
// enforce belong with the one object that registers them; routes live in their own files.
#include "bridge/api/http_server.h"

#include <civetweb.h>
#include <openssl/ssl.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <exception>
#include <thread>
#include <nlohmann/json.hpp>

#include "bridge/log.h"
#include "bridge/prometheus/exposition.h"
#include "connection_guard.h"
#include "chunked_gzip.h"
#include "crypto_util.h"
#include "gzip.h"
#include "listen_address.h"
#include "tls_context.h"

extern "C" int dlms_bridge_civetweb_ssl_shim(void);  // ssl_compat/civetweb_ssl_shim.c

namespace bridge::api {

namespace {

// Bodies below this are sent as they are: gzip would not pay for its header and CPU.
constexpr std::size_t kGzipMinBytes = 1024;
constexpr const char* kRealm = "dlms-bridge";
// One CivetWeb worker per connection: small stacks keep hundreds of them cheap (the address
// space is reserved, only touched pages cost memory). Handlers build JSON, gzip, query SQLite
// and run bcrypt; 512 KiB leaves them ample room.
constexpr std::size_t kWorkerStackBytes = 512 * 1024;
// Workers beyond max_connections: a worker that just closed a connection (count already
// released) may not be back in CivetWeb's queue yet when the next one is admitted.
constexpr int kSpareWorkers = 4;

bool mutating(Method m) { return m == Method::post || m == Method::put || m == Method::patch || m == Method::del; }

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// CivetWeb's own error texts may quote what the client sent ("Bad HTTP version: [...]"); ours
// say what is wrong without echoing anything.
std::string_view civetweb_error_text(int status) {
  switch (status) {
    case 400: return "bad request: malformed request line, header or URI";
    case 411: return "bad request: invalid Content-Length";
    case 413: return "request header too large";
    case 414: return "request URI too long";
    case 431: return "request header fields too large";
    case 505: return "HTTP version not supported (use HTTP/1.0 or HTTP/1.1)";
    default: return status >= 500 ? "internal error" : "bad request";
  }
}

}  // namespace

// CivetWeb callbacks (C, noexcept by contract): each one catches everything.
class HttpServer::Glue {
 public:
  static HttpServer* server_of(const mg_connection* conn) {
    return static_cast<HttpServer*>(mg_get_user_data(mg_get_context(conn)));
  }

  static int begin_request(mg_connection* conn) noexcept {
    try {
      return serve(conn);
    } catch (const std::exception& e) {
      log_failure(e.what());
    } catch (...) {
      log_failure("unknown exception");
    }
    // Best effort: the answer may already be half sent, then the connection just closes.
    try {
      write(conn, Response::error(500, "internal error (details are in the bridge's log)"), false);
    } catch (...) {
    }
    return 500;
  }

  static int http_error(mg_connection* conn, int status, const char* /*civetweb_text*/) noexcept {
    try {
      write(conn, Response::error(status, civetweb_error_text(status)), false);
      return 0;  // answered
    } catch (...) {
      return 1;  // let CivetWeb send its own
    }
  }

  static int log_message(const mg_connection* /*conn*/, const char* message) noexcept {
    try {
      log::warn("http server", {{"detail", message ? message : ""}});
    } catch (...) {
    }
    return 1;
  }

  static void* init_thread(const mg_context* ctx, int thread_type) noexcept {
    auto* server = static_cast<HttpServer*>(mg_get_user_data(ctx));
    if (server == nullptr) return nullptr;
    if (thread_type == 0) server->guard_->bind_master_thread();
    if (thread_type == 1) server->guard_->bind_worker_thread();
    return nullptr;
  }

  static int init_connection(const mg_connection* /*conn*/, void** /*conn_data*/) noexcept {
    if (auto* guard = detail::ConnectionGuard::current()) guard->connection_started();
    return 0;
  }

  static void connection_closed(const mg_connection* /*conn*/) noexcept {
    if (auto* guard = detail::ConnectionGuard::current()) guard->connection_closed();
  }

  // A TLS connection occupies its worker from the first handshake byte it waits for.
  static void tls_info(const SSL* /*ssl*/, int where, int /*ret*/) {
    if ((where & SSL_CB_HANDSHAKE_START) != 0) {
      if (auto* guard = detail::ConnectionGuard::current()) guard->connection_started();
    }
  }

  // CivetWeb asks at start (*ctx == nullptr); ownership of our context moves to CivetWeb, which
  // frees it at shutdown (we return 0 then).
  static int external_ssl_ctx(void** ctx, void* user_data) noexcept {
    if (*ctx != nullptr) return 0;
    auto* server = static_cast<HttpServer*>(user_data);
    if (server == nullptr || server->pending_ssl_ctx_ == nullptr) return -1;
    *ctx = server->pending_ssl_ctx_;
    server->pending_ssl_ctx_ = nullptr;
    return 1;
  }

 private:
  static void log_failure(const char* what) {
    try {
      log::error("http request failed inside the server", {{"error", what}});
    } catch (...) {
    }
  }

  static int serve(mg_connection* conn) {
    HttpServer& server = *server_of(conn);
    const mg_request_info* info = mg_get_request_info(conn);
    Request request;
    request.method_name = info->request_method != nullptr ? info->request_method : "";
    request.method = parse_method(request.method_name);
    // decode_url = no: this is the target exactly as sent (an absolute-form target that does
    // not address this server has none and gets 400).
    request.raw_path = info->local_uri_raw != nullptr ? info->local_uri_raw : "";
    request.query = info->query_string != nullptr ? info->query_string : "";
    for (int i = 0; i < info->num_headers; ++i) {
      auto name = lower(info->http_headers[i].name != nullptr ? info->http_headers[i].name : "");
      auto& slot = request.headers[name];
      if (!slot.empty()) slot.append(", ");
      slot.append(info->http_headers[i].value != nullptr ? info->http_headers[i].value : "");
    }
    if (mutating(request.method)) {
      const auto limit = server.options_.max_body_bytes;
      if (info->content_length > static_cast<long long>(limit)) return answer(conn, Response::error(413, "request body too large"), false);
      char buf[8192];
      int n = 0;
      while ((n = mg_read(conn, buf, sizeof buf)) > 0) {
        request.body.append(buf, static_cast<std::size_t>(n));
        if (request.body.size() > limit) return answer(conn, Response::error(413, "request body too large"), false);
      }
    }
    const bool head = request.method == Method::head;
    const bool gzip_ok = detail::accepts_gzip(request.header("accept-encoding"));
    return answer(conn, server.dispatch(std::move(request), gzip_ok), head);
  }

  static int answer(mg_connection* conn, const Response& response, bool head_only) {
    write(conn, response, head_only);
    if (auto* guard = detail::ConnectionGuard::current()) guard->request_answered();
    return response.status;
  }

  static void write(mg_connection* conn, const Response& response, bool head_only) {
    mg_response_header_start(conn, response.status);
    mg_response_header_add(conn, "Content-Type", response.content_type.c_str(), -1);
    auto length = std::to_string(response.body.size());
    mg_response_header_add(conn, "Content-Length", length.c_str(), -1);
    for (const auto& [name, value] : response.headers) mg_response_header_add(conn, name.c_str(), value.c_str(), -1);
    mg_response_header_send(conn);
    if (!head_only && !response.body.empty()) mg_write(conn, response.body.data(), response.body.size());
  }
};

HttpServer::HttpServer(const HttpOptions& options)
    : options_(options), basic_auth_(options.basic_auth_users), tls_(options.tls_server_config.has_value()) {
  for (const auto& name : options.not_ready_at_start) readiness_.set_waiting(name, "starting");
  detail::ConnectionLimits limits;
  limits.max_connections = options.max_connections;
  limits.read_header_timeout = options.read_header_timeout;
  limits.idle_timeout = options.idle_timeout;
  limits.tls = tls_;
  guard_ = std::make_shared<detail::ConnectionGuard>(limits);
  connection_metrics_ = std::make_shared<detail::ConnectionCollector>(guard_);
  add_builtin_routes();
}

Result<std::unique_ptr<HttpServer>, HttpError> HttpServer::start(const HttpOptions& options) {
  if (auto valid = validate(options); !valid) return fail(valid.error());
  std::unique_ptr<HttpServer> server(new HttpServer(options));
  if (options.tls_server_config) {
    if (dlms_bridge_civetweb_ssl_shim() != 1) return fail(HttpError{HttpError::Code::tls, "libssl shim missing"});
    auto ctx = detail::make_server_context(*options.tls_server_config);
    if (!ctx) return fail(HttpError{HttpError::Code::tls, ctx.error()});
    SSL_CTX_set_info_callback(*ctx, &Glue::tls_info);
    server->pending_ssl_ctx_ = *ctx;
  }
  const std::string listen = detail::civet_listen(options.listen, server->tls_, server->host_);
  const std::vector<std::string> civet_options = {
      "listening_ports", listen,
      "num_threads", std::to_string(options.max_connections + kSpareWorkers),
      // Header read of a new connection (TLS handshake included), and any later body read.
      "request_timeout_ms", std::to_string(options.read_header_timeout.count()),
      "enable_keep_alive", "yes",
      // Wait for the next request on a kept-alive connection.
      "keep_alive_timeout_ms", std::to_string(options.idle_timeout.count()),
      // Target exactly as sent: decode_path() validates it (CivetWeb would decode %2F and %00).
      "decode_url", "no",
      // Headers and body go out in two writes; without this, Nagle holds the body back until
      // the client's delayed ACK (~40 ms per small answer).
      "tcp_nodelay", "1",
  };
  std::vector<const char*> argv;
  for (const auto& o : civet_options) argv.push_back(o.c_str());
  argv.push_back(nullptr);
  mg_callbacks callbacks{};
  callbacks.begin_request = &Glue::begin_request;
  callbacks.http_error = &Glue::http_error;
  callbacks.log_message = &Glue::log_message;
  callbacks.init_thread = &Glue::init_thread;
  callbacks.init_connection = &Glue::init_connection;
  callbacks.connection_closed = &Glue::connection_closed;
  callbacks.external_ssl_ctx = &Glue::external_ssl_ctx;

  // Worker threads get their stack size from the process default while mg_start runs.
  pthread_attr_t saved{};
  const bool have_saved = pthread_getattr_default_np(&saved) == 0;
  pthread_attr_t small{};
  pthread_attr_init(&small);
  pthread_attr_setstacksize(&small, kWorkerStackBytes);
  pthread_setattr_default_np(&small);
  server->context_ = mg_start(&callbacks, server.get(), argv.data());
  if (have_saved) {
    pthread_setattr_default_np(&saved);
    pthread_attr_destroy(&saved);
  }
  pthread_attr_destroy(&small);

  if (server->context_ == nullptr) {
    const auto colon = options.listen.rfind(':');
    std::string why = detail::bind_problem(server->host_, std::stoi(options.listen.substr(colon + 1)));
    if (why.empty()) why = "cannot listen on " + options.listen + " (see the http server warnings above)";
    return fail(HttpError{HttpError::Code::listen, why});
  }
  mg_server_port ports[4]{};
  const int n = mg_get_server_ports(server->context_, 4, ports);
  server->port_ = n > 0 ? ports[0].port : 0;
  log::info("http server listening", {{"listen", options.listen},
                                      {"port", server->port_},
                                      {"tls", server->tls_},
                                      {"basic_auth", server->basic_auth_.enabled()},
                                      {"bearer_token", !options.bearer_token.empty()},
                                      {"max_connections", options.max_connections}});
  return server;
}

HttpServer::~HttpServer() {
  stop();
  if (pending_ssl_ctx_ != nullptr) detail::free_server_context(static_cast<SSL_CTX*>(pending_ssl_ctx_));
}

void HttpServer::stop() {
  if (context_ == nullptr) return;
  // CivetWeb's master thread polls the listening socket in 2 s quanta and only then sees the
  // stop flag; a connection attempt wakes it, so shutdown (SIGTERM, tests) takes milliseconds.
  std::atomic<bool> closed{false};
  std::thread closer([&] {
    mg_stop(context_);
    closed = true;
  });
  while (!closed) {
    detail::poke(host_, port_);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  closer.join();
  context_ = nullptr;
}

std::string HttpServer::url() const {
  std::string host = host_.empty() || host_ == "0.0.0.0" ? "127.0.0.1" : host_;
  return std::string(tls_ ? "https://" : "http://") + host + ":" + std::to_string(port_);
}

void HttpServer::handle(Method method, const std::string& pattern, Handler handler) {
  router_.handle(method, pattern, std::move(handler));
}

void HttpServer::serve_metrics(std::shared_ptr<const prometheus::Exposition> exposition, const std::string& path) {
  // Scrapes gzip through a ChunkedGzip that reuses the compressed text that did not change since
  // the previous scrape; dispatch() leaves an already encoded body alone.
  auto packer = std::make_shared<detail::ChunkedGzip>();
  handle(Method::get, path, [exposition, packer](const Request& request) {
    auto response = Response::text(200, exposition->render(), prometheus::kTextContentType);
    if (response.body.size() >= kGzipMinBytes && detail::accepts_gzip(request.header("accept-encoding"))) {
      if (auto packed = packer->compress(response.body)) {
        response.body = std::move(*packed);
        response.headers.emplace_back("Content-Encoding", "gzip");
      }
    }
    return response;
  });
}

std::shared_ptr<const prometheus::Collector> HttpServer::connection_metrics() const { return connection_metrics_; }

void HttpServer::set_reload_hook(ReloadHook hook) {
  std::lock_guard lock(reload_mutex_);
  reload_hook_ = std::move(hook);
}

void HttpServer::add_builtin_routes() {
  handle(Method::get, "/-/healthy", [](const Request&) { return Response::text(200, "OK\n"); });
  handle(Method::get, "/-/ready", [this](const Request&) {
    auto state = readiness_.state();
    if (state.ready) return Response::text(200, "Ready\n");
    std::string reason = "not ready:";
    nlohmann::json waiting = nlohmann::json::object();
    for (const auto& [name, why] : state.waiting) {
      reason.append(" ").append(name).append(" (").append(why).append(")");
      waiting[name] = why;
    }
    return Response::json(503, nlohmann::json{{"error", reason}, {"waiting", waiting}});
  });
  handle(Method::post, "/-/reload", [this](const Request& request) {
    std::lock_guard lock(reload_mutex_);  // one reload at a time
    if (!reload_hook_) return Response::error(503, "reload is not available yet");
    // authenticate() already accepted the request, so a bearer header here is the valid token.
    std::string actor = "anonymous";
    if (!request.user.empty()) actor = "user " + request.user;
    else if (!options_.bearer_token.empty() && starts_with_ci(request.header("authorization"), "Bearer ")) actor = "bearer token";
    auto result = reload_hook_(actor, request.query_param("confirm"));
    if (!result) {
      log::error("reload not applied", {{"status", result.error().status}});
      return std::move(result.error());
    }
    log::info("reload done", {{"via", "http"}});
    return Response::json(200, nlohmann::json{{"status", "reloaded"}});
  });
}

std::optional<Response> HttpServer::authenticate(Request& request) {
  if (options_.healthy_without_auth && request.path == "/-/healthy") return std::nullopt;
  const auto authorization = request.header("authorization");
  const bool token_configured = !options_.bearer_token.empty();
  bool bearer_ok = false;
  if (token_configured && starts_with_ci(authorization, "Bearer ")) {
    std::string_view token(authorization);
    token.remove_prefix(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    bearer_ok = detail::secret_equal(token, options_.bearer_token);
  }
  // A valid bearer token authenticates on its own; otherwise basic auth (when configured)
  // guards every route.
  if (!bearer_ok && basic_auth_.enabled()) {
    auto user = basic_auth_.check(authorization);
    if (!user) {
      auto r = Response::error(401, "unauthorized");
      r.headers.emplace_back("WWW-Authenticate", std::string("Basic realm=\"") + kRealm + "\", charset=\"UTF-8\"");
      return r;
    }
    request.user = *user;
  }
  if (mutating(request.method) && token_configured && !bearer_ok) {
    auto r = Response::error(401, "this endpoint needs Authorization: Bearer <token>");
    r.headers.emplace_back("WWW-Authenticate", std::string("Bearer realm=\"") + kRealm + "\"");
    return r;
  }
  return std::nullopt;
}

Response HttpServer::dispatch(Request request, bool accepts_gzip) {
  // The target first: nothing (auth, routes, logs) sees a path that is not valid UTF-8.
  std::optional<Response> early = Router::parse_target(request);
  if (!early) early = authenticate(request);
  Response response = early ? std::move(*early) : router_.route(request);
  const bool encoded = std::any_of(response.headers.begin(), response.headers.end(),
                                  [](const auto& h) { return h.first == "Content-Encoding"; });
  if (encoded || response.body.size() >= kGzipMinBytes) {
    response.headers.emplace_back("Vary", "Accept-Encoding");
    if (accepts_gzip && !encoded) {
      if (auto packed = detail::gzip(response.body)) {
        response.body = std::move(*packed);
        response.headers.emplace_back("Content-Encoding", "gzip");
      }
    }
  }
  if (response.status >= 500) {
    log::warn("http request failed", {{"method", request.method_name.empty() ? std::string(to_string(request.method)) : request.method_name},
                                      {"path", request.path.empty() ? request.raw_path : request.path},
                                      {"status", response.status}});
  }
  return response;
}

}  // namespace bridge::api
