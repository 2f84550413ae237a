#include "bridge/api/http_server.h"

#include <CivetServer.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <cctype>
#include <nlohmann/json.hpp>

#include "bridge/log.h"
#include "bridge/metrics/exposition.h"
#include "crypto_util.h"
#include "gzip.h"
#include "tls_context.h"

namespace bridge::api {

namespace {

// Bodies below this are sent as they are: gzip would not pay for its header and CPU.
constexpr std::size_t kGzipMinBytes = 1024;
constexpr const char* kRealm = "dlms-bridge";

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto slash = path.find('/', pos);
    auto seg = path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    if (!(pos == 0 && seg.empty())) out.emplace_back(seg);  // leading "/" gives an empty first segment
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return out;
}

bool is_placeholder(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

bool match(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
           std::map<std::string, std::string>& params) {
  if (pattern.size() != path.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (is_placeholder(pattern[i])) {
      if (path[i].empty()) return false;
      found[pattern[i].substr(1, pattern[i].size() - 2)] = path[i];
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

std::size_t literal_count(const std::vector<std::string>& pattern) {
  return static_cast<std::size_t>(std::count_if(pattern.begin(), pattern.end(), [](const auto& s) { return !is_placeholder(s); }));
}

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

// "localhost:9947" -> "127.0.0.1:9947"; ":9947" -> "9947" (all interfaces, CivetWeb syntax).
std::string civet_listen(const std::string& listen, bool tls, std::string& host) {
  auto colon = listen.rfind(':');
  host = listen.substr(0, colon);
  std::string port = listen.substr(colon + 1);
  if (host == "localhost") host = "127.0.0.1";
  std::string out = host.empty() ? port : host + ":" + port;
  return tls ? out + "s" : out;
}

// Opens and closes a TCP connection to host:port (best effort, never blocks long).
void poke(const std::string& host, int port) {
  std::string h = host;
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.empty() || h == "0.0.0.0") h = "127.0.0.1";
  if (h == "::") h = "::1";
  sockaddr_storage addr{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (inet_pton(AF_INET, h.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, h.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    len = sizeof(sockaddr_in6);
  } else {
    return;
  }
  int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  (void)::connect(fd, reinterpret_cast<sockaddr*>(&addr), len);
  ::close(fd);
}

}  // namespace
}  // namespace bridge::api

extern "C" int dlms_bridge_civetweb_ssl_shim(void);  // ssl_compat/civetweb_ssl_shim.c

namespace bridge::api {
namespace {

int log_civetweb(const mg_connection* /*conn*/, const char* message) {
  log::warn("http server", {{"detail", message ? message : ""}});
  return 1;
}

}  // namespace

// Bridges CivetWeb callbacks to HttpServer::dispatch.
class HttpServer::Glue : public CivetHandler {
 public:
  explicit Glue(HttpServer& server) : server_(server) {}
  ~Glue() override {
    if (ssl_ctx != nullptr) detail::free_server_context(ssl_ctx);
  }

  bool handleGet(CivetServer*, mg_connection* conn) override { return serve(conn, Method::get); }
  bool handleHead(CivetServer*, mg_connection* conn) override { return serve(conn, Method::head); }
  bool handlePost(CivetServer*, mg_connection* conn) override { return serve(conn, Method::post); }
  bool handlePut(CivetServer*, mg_connection* conn) override { return serve(conn, Method::put); }
  bool handlePatch(CivetServer*, mg_connection* conn) override { return serve(conn, Method::patch); }
  bool handleDelete(CivetServer*, mg_connection* conn) override { return serve(conn, Method::del); }

  // CivetWeb asks at start (*ctx == nullptr), on the thread that constructs the CivetServer,
  // before the CivetServer's user context is readable; hence the thread_local. Ownership moves
  // to CivetWeb, which frees the context at shutdown (we return 0 then).
  static int external_ssl_ctx(void** ctx, void* /*user_data*/) {
    if (*ctx != nullptr) return 0;
    Glue* glue = starting_;
    if (glue == nullptr || glue->ssl_ctx == nullptr) return -1;
    *ctx = glue->ssl_ctx;
    glue->ssl_ctx = nullptr;
    return 1;
  }
  static thread_local Glue* starting_;

  SSL_CTX* ssl_ctx = nullptr;

 private:
  bool serve(mg_connection* conn, Method method) {
    const mg_request_info* info = mg_get_request_info(conn);
    Request request;
    request.method = method;
    request.path = info->local_uri != nullptr ? info->local_uri : "/";
    request.query = info->query_string != nullptr ? info->query_string : "";
    for (int i = 0; i < info->num_headers; ++i) {
      auto name = lower(info->http_headers[i].name);
      auto& slot = request.headers[name];
      if (!slot.empty()) slot.append(", ");
      slot.append(info->http_headers[i].value != nullptr ? info->http_headers[i].value : "");
    }
    if (mutating(method)) {
      const auto limit = server_.options_.max_body_bytes;
      if (info->content_length > static_cast<long long>(limit)) {
        write(conn, Response::error(413, "request body too large"), false);
        return true;
      }
      char buf[8192];
      int n = 0;
      while ((n = mg_read(conn, buf, sizeof buf)) > 0) {
        request.body.append(buf, static_cast<std::size_t>(n));
        if (request.body.size() > limit) {
          write(conn, Response::error(413, "request body too large"), false);
          return true;
        }
      }
    }
    bool gzip_ok = detail::accepts_gzip(request.header("accept-encoding"));
    auto response = server_.dispatch(std::move(request), gzip_ok);
    write(conn, response, method == Method::head);
    return true;
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

  HttpServer& server_;
};

thread_local HttpServer::Glue* HttpServer::Glue::starting_ = nullptr;

HttpServer::HttpServer(const HttpOptions& options)
    : options_(options), basic_auth_(options.basic_auth_users), tls_(options.tls_server_config.has_value()) {
  add_builtin_routes();
}

Result<std::unique_ptr<HttpServer>, HttpError> HttpServer::start(const HttpOptions& options) {
  if (auto valid = validate(options); !valid) return fail(valid.error());
  std::unique_ptr<HttpServer> server(new HttpServer(options));
  server->glue_ = std::make_unique<Glue>(*server);
  if (options.tls_server_config) {
    if (dlms_bridge_civetweb_ssl_shim() != 1) return fail(HttpError{HttpError::Code::tls, "libssl shim missing"});
    auto ctx = detail::make_server_context(*options.tls_server_config);
    if (!ctx) return fail(HttpError{HttpError::Code::tls, ctx.error()});
    server->glue_->ssl_ctx = *ctx;
  }
  const std::string listen = civet_listen(options.listen, server->tls_, server->host_);
  std::vector<std::string> civet_options = {
      "listening_ports", listen,
      "num_threads", std::to_string(options.threads),
      "request_timeout_ms", std::to_string(options.request_timeout.count()),
      "enable_keep_alive", "yes",
      "keep_alive_timeout_ms", "5000",
  };
  CivetCallbacks callbacks;
  callbacks.log_message = log_civetweb;
  callbacks.external_ssl_ctx = &Glue::external_ssl_ctx;
  Glue::starting_ = server->glue_.get();
  try {
    server->server_ = std::make_unique<CivetServer>(civet_options, &callbacks, server->glue_.get());
  } catch (const CivetException& e) {
    Glue::starting_ = nullptr;
    return fail(HttpError{HttpError::Code::listen, "cannot listen on " + options.listen + ": " + e.what()});
  }
  Glue::starting_ = nullptr;
  server->server_->addHandler("/", server->glue_.get());
  auto ports = server->server_->getListeningPorts();
  server->port_ = ports.empty() ? 0 : ports.front();
  log::info("http server listening", {{"listen", options.listen},
                                      {"port", server->port_},
                                      {"tls", server->tls_},
                                      {"basic_auth", server->basic_auth_.enabled()},
                                      {"bearer_token", !options.bearer_token.empty()}});
  return server;
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::stop() {
  if (!server_) return;
  // CivetWeb's master thread polls the listening socket in 2 s quanta and only then sees the
  // stop flag; a connection attempt wakes it, so shutdown (SIGTERM, tests) takes milliseconds.
  std::atomic<bool> closed{false};
  std::thread closer([&] {
    server_->close();
    closed = true;
  });
  while (!closed) {
    poke(host_, port_);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  closer.join();
  server_.reset();
}

std::string HttpServer::url() const {
  std::string host = host_.empty() || host_ == "0.0.0.0" ? "127.0.0.1" : host_;
  return std::string(tls_ ? "https://" : "http://") + host + ":" + std::to_string(port_);
}

void HttpServer::handle(Method method, const std::string& pattern, Handler handler) {
  auto segments = split_path(pattern);
  std::unique_lock lock(routes_mutex_);
  for (auto& r : routes_) {
    if (r.method == method && r.segments == segments) {
      r.handler = std::move(handler);
      return;
    }
  }
  routes_.push_back(Route{method, std::move(segments), std::move(handler)});
}

void HttpServer::serve_metrics(std::shared_ptr<const metrics::Exposition> exposition, const std::string& path) {
  handle(Method::get, path, [exposition](const Request&) {
    return Response::text(200, exposition->render(), metrics::kTextContentType);
  });
}

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
  handle(Method::post, "/-/reload", [this](const Request&) {
    std::lock_guard lock(reload_mutex_);  // one reload at a time
    if (!reload_hook_) return Response::error(503, "reload is not available yet");
    auto result = reload_hook_();
    if (!result) {
      log::error("reload failed", {{"error", result.error()}});
      return Response::error(500, result.error());
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

Response HttpServer::route(Request& request) {
  const Method wanted = request.method == Method::head ? Method::get : request.method;
  const auto segments = split_path(request.path);
  Handler handler;
  std::vector<Method> allowed;
  {
    std::shared_lock lock(routes_mutex_);
    const Route* best = nullptr;
    std::map<std::string, std::string> best_params;
    for (const auto& r : routes_) {
      std::map<std::string, std::string> params;
      if (!match(r.segments, segments, params)) continue;
      if (r.method != wanted) {
        allowed.push_back(r.method);
        continue;
      }
      if (best == nullptr || literal_count(r.segments) > literal_count(best->segments)) {
        best = &r;
        best_params = std::move(params);
      }
    }
    if (best != nullptr) {
      handler = best->handler;
      request.params = std::move(best_params);
    }
  }
  if (!handler) {
    if (allowed.empty()) return Response::error(404, "no such endpoint: " + request.path);
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    std::string allow;
    for (auto m : allowed) {
      if (!allow.empty()) allow.append(", ");
      allow.append(to_string(m));
      if (m == Method::get) allow.append(", HEAD");
    }
    auto r = Response::error(405, std::string(to_string(request.method)) + " is not allowed on " + request.path);
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  try {
    return handler(request);
  } catch (const std::exception& e) {
    log::error("http handler failed", {{"path", request.path}, {"error", e.what()}});
    return Response::error(500, std::string("internal error: ") + e.what());
  }
}

Response HttpServer::dispatch(Request request, bool accepts_gzip) {
  auto denied = authenticate(request);
  Response response = denied ? std::move(*denied) : route(request);
  if (response.body.size() >= kGzipMinBytes) {
    response.headers.emplace_back("Vary", "Accept-Encoding");
    if (accepts_gzip) {
      if (auto packed = detail::gzip(response.body)) {
        response.body = std::move(*packed);
        response.headers.emplace_back("Content-Encoding", "gzip");
      }
    }
  }
  if (response.status >= 500) {
    log::warn("http request failed", {{"method", to_string(request.method)}, {"path", request.path},
                                      {"status", response.status}});
  }
  return response;
}

}  // namespace bridge::api
