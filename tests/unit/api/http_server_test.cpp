// HttpServer on 127.0.0.1:0: routing, JSON errors, health/ready/reload, auth rules, gzip.
#include "bridge/api/http_server.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include "bridge/api/basic_auth.h"
#include "bridge/prometheus/bridge_metrics.h"
#include "bridge/prometheus/exposition.h"
#include "testing/process.h"

namespace {

using bridge::api::HttpOptions;
using bridge::api::HttpServer;
using bridge::api::Method;
using bridge::api::Request;
using bridge::api::Response;
using testing_support::http;

constexpr const char* kHash = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";  // "U*U"
constexpr const char* kBasicGood = "Basic dXNlcjpVKlU=";                                      // user:U*U
constexpr const char* kBasicBad = "Basic dXNlcjpub3Bl";                                       // user:nope

std::unique_ptr<HttpServer> start(HttpOptions o = {}) {
  o.listen = "127.0.0.1:0";
  auto s = HttpServer::start(o);
  if (!s) ADD_FAILURE() << s.error().message;
  return s ? std::move(*s) : nullptr;
}

std::string gunzip(const std::string& in) {
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  std::string out(1 << 24, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&zs, Z_FINISH);
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return "<inflate failed>";
  out.resize(zs.total_out);
  return out;
}

nlohmann::json json(const std::string& body) { return nlohmann::json::parse(body, nullptr, false); }

TEST(HttpServerTest, binds_port_zero_and_reports_the_real_port) {
  auto s = start();
  ASSERT_TRUE(s);
  EXPECT_GT(s->port(), 0);
  EXPECT_EQ(s->url(), "http://127.0.0.1:" + std::to_string(s->port()));
  EXPECT_EQ(http("GET", s->port(), "/-/healthy").status, 200);
}

TEST(HttpServerTest, unknown_path_is_404_json_and_wrong_method_405_with_allow) {
  auto s = start();
  auto r = http("GET", s->port(), "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers["content-type"], "application/json");
  EXPECT_TRUE(json(r.body).contains("error"));
  r = http("GET", s->port(), "/-/reload");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "POST");
  EXPECT_TRUE(json(r.body).contains("error"));
  r = http("POST", s->port(), "/-/healthy");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "GET, HEAD");
}

TEST(HttpServerTest, routes_with_placeholders_get_params_and_literals_win) {
  auto s = start();
  s->handle(Method::post, "/api/v1/meters/{id}/{action}", [](const Request& r) {
    return Response::json(200, {{"id", r.params.at("id")}, {"action", r.params.at("action")}, {"body", r.body}});
  });
  s->handle(Method::get, "/api/v1/meters/{id}", [](const Request& r) { return Response::text(200, "id=" + r.params.at("id")); });
  s->handle(Method::get, "/api/v1/meters/summary", [](const Request&) { return Response::text(200, "summary"); });
  auto r = http("POST", s->port(), "/api/v1/meters/m-7/pause", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json(r.body);
  EXPECT_EQ(j["id"], "m-7");
  EXPECT_EQ(j["action"], "pause");
  EXPECT_EQ(j["body"], "{}");
  EXPECT_EQ(http("GET", s->port(), "/api/v1/meters/x").body, "id=x");
  EXPECT_EQ(http("GET", s->port(), "/api/v1/meters/summary").body, "summary");
  EXPECT_EQ(http("GET", s->port(), "/api/v1/meters/x/y/z").status, 404);
}

TEST(HttpServerTest, query_parameters_are_decoded) {
  auto s = start();
  s->handle(Method::get, "/q", [](const Request& r) { return Response::text(200, r.query_param("since")); });
  EXPECT_EQ(http("GET", s->port(), "/q?since=5%20m&x=1").body, "5 m");
}

TEST(HttpServerTest, head_uses_the_get_handler_without_a_body) {
  auto s = start();
  s->handle(Method::get, "/x", [](const Request&) { return Response::text(200, "hello"); });
  auto r = http("HEAD", s->port(), "/x");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.headers["content-length"], "5");
}

TEST(HttpServerTest, handler_exception_is_a_500_json_error_without_the_exception_text) {
  auto s = start();
  s->handle(Method::get, "/boom", [](const Request&) -> Response { throw std::runtime_error("kaput /etc/secret"); });
  s->handle(Method::get, "/boom2", [](const Request&) -> Response { throw 42; });
  auto r = http("GET", s->port(), "/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(json(r.body)["error"].get<std::string>().find("kaput"), std::string::npos) << r.body;
  EXPECT_EQ(http("GET", s->port(), "/boom2").status, 500);
  EXPECT_EQ(http("GET", s->port(), "/-/healthy").status, 200);
}

TEST(HttpServerTest, ready_is_503_with_the_reason_until_every_condition_is_ready) {
  auto s = start();
  s->readiness().set_waiting("config", "not loaded");
  s->readiness().set_waiting("store", "SQLite not open");
  auto r = http("GET", s->port(), "/-/ready");
  EXPECT_EQ(r.status, 503);
  auto j = json(r.body);
  EXPECT_NE(j["error"].get<std::string>().find("SQLite not open"), std::string::npos) << r.body;
  EXPECT_EQ(j["waiting"]["config"], "not loaded");
  EXPECT_EQ(http("GET", s->port(), "/-/healthy").status, 200);  // healthy regardless
  s->readiness().set_ready("config");
  s->readiness().set_ready("store");
  EXPECT_EQ(http("GET", s->port(), "/-/ready").status, 200);
}

TEST(HttpServerTest, conditions_declared_in_the_options_are_waiting_from_the_first_request) {
  // The app declares them before the port opens: no probe can see 200 in between.
  HttpOptions o;
  o.not_ready_at_start = {"poller"};
  auto s = start(o);
  auto r = http("GET", s->port(), "/-/ready");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(json(r.body)["waiting"]["poller"], "starting") << r.body;
  s->readiness().set_ready("poller");
  EXPECT_EQ(http("GET", s->port(), "/-/ready").status, 200);
}

TEST(HttpServerTest, reload_runs_the_hook_200_on_success_and_answers_its_error_as_is) {
  auto s = start();
  EXPECT_EQ(http("POST", s->port(), "/-/reload").status, 503);  // no hook yet
  int calls = 0;
  bool succeed = true;
  std::string confirm = "unset";
  s->set_reload_hook([&](const std::string&, const std::string& c) -> bridge::Result<void, Response> {
    ++calls;
    confirm = c;
    if (succeed) return {};
    if (c.empty()) return bridge::fail(Response::json(409, {{"error", "would remove 3 of 4 meters"}, {"removing", 3}}));
    return bridge::fail(Response::error(500, "config/bridge.toml:3:1: unknown key \"foo\""));
  });
  EXPECT_EQ(http("POST", s->port(), "/-/reload").status, 200);
  EXPECT_EQ(confirm, "");
  succeed = false;
  auto r = http("POST", s->port(), "/-/reload");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(json(r.body)["removing"], 3);
  r = http("POST", s->port(), "/-/reload?confirm=remove-meters");
  EXPECT_EQ(confirm, "remove-meters");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(json(r.body)["error"], "config/bridge.toml:3:1: unknown key \"foo\"");
  EXPECT_EQ(calls, 3);
}

TEST(HttpServerTest, basic_auth_guards_everything_with_401_and_www_authenticate) {
  HttpOptions o;
  o.basic_auth_users = {{"user", kHash}};
  auto s = start(o);
  auto r = http("GET", s->port(), "/-/healthy");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers["www-authenticate"], "Basic realm=\"dlms-bridge\", charset=\"UTF-8\"");
  EXPECT_EQ(http("GET", s->port(), "/-/healthy", {}, {{"Authorization", kBasicBad}}).status, 401);
  EXPECT_EQ(http("GET", s->port(), "/-/healthy", {}, {{"Authorization", kBasicGood}}).status, 200);
  EXPECT_EQ(http("GET", s->port(), "/nope", {}, {{"Authorization", kBasicGood}}).status, 404);
  EXPECT_EQ(http("GET", s->port(), "/nope").status, 401);  // routes are not revealed
}

TEST(HttpServerTest, healthy_can_be_left_open) {
  HttpOptions o;
  o.basic_auth_users = {{"user", kHash}};
  o.healthy_without_auth = true;
  auto s = start(o);
  EXPECT_EQ(http("GET", s->port(), "/-/healthy").status, 200);
  EXPECT_EQ(http("GET", s->port(), "/-/ready").status, 401);
}

TEST(HttpServerTest, mutating_endpoints_need_the_bearer_token_when_configured) {
  HttpOptions o;
  o.bearer_token = "t0ken";
  auto s = start(o);
  s->set_reload_hook([](const std::string&, const std::string&) -> bridge::Result<void, Response> { return {}; });
  auto r = http("POST", s->port(), "/-/reload");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers["www-authenticate"], "Bearer realm=\"dlms-bridge\"");
  EXPECT_EQ(http("POST", s->port(), "/-/reload", {}, {{"Authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(http("POST", s->port(), "/-/reload", {}, {{"Authorization", "Bearer t0ken"}}).status, 200);
  EXPECT_EQ(http("GET", s->port(), "/-/ready").status, 200);  // reads stay open without basic auth
}

TEST(HttpServerTest, with_basic_auth_and_token_post_needs_the_token_and_the_token_also_reads) {
  HttpOptions o;
  o.basic_auth_users = {{"user", kHash}};
  o.bearer_token = "t0ken";
  auto s = start(o);
  s->set_reload_hook([](const std::string&, const std::string&) -> bridge::Result<void, Response> { return {}; });
  EXPECT_EQ(http("POST", s->port(), "/-/reload", {}, {{"Authorization", kBasicGood}}).status, 401);
  EXPECT_EQ(http("POST", s->port(), "/-/reload", {}, {{"Authorization", "Bearer t0ken"}}).status, 200);
  EXPECT_EQ(http("GET", s->port(), "/-/ready", {}, {{"Authorization", "Bearer t0ken"}}).status, 200);
  EXPECT_EQ(http("GET", s->port(), "/-/ready", {}, {{"Authorization", "Bearer nope"}}).status, 401);
}

TEST(HttpServerTest, large_bodies_are_gzipped_when_accepted) {
  auto s = start();
  std::string big(20000, 'x');
  s->handle(Method::get, "/big", [&](const Request&) { return Response::text(200, big); });
  auto plain = http("GET", s->port(), "/big");
  EXPECT_TRUE(plain.body == big);
  EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
  auto z = http("GET", s->port(), "/big", {}, {{"Accept-Encoding", "deflate, gzip;q=0.8"}});
  EXPECT_EQ(z.headers["content-encoding"], "gzip");
  EXPECT_LT(z.body.size(), 1000u);
  EXPECT_TRUE(gunzip(z.body) == big);
  EXPECT_TRUE(http("GET", s->port(), "/big", {}, {{"Accept-Encoding", "gzip;q=0"}}).body == big);
  EXPECT_TRUE(http("GET", s->port(), "/big", {}, {{"Accept-Encoding", "br"}}).body == big);
}

TEST(HttpServerTest, incompressible_bodies_survive_gzip) {
  auto s = start();
  std::string noise(300000, '\0');
  std::uint32_t x = 2463534242u;  // xorshift32: deterministic, incompressible enough
  for (auto& c : noise) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xFF);
  }
  s->handle(Method::get, "/noise", [&](const Request&) { return Response::text(200, noise); });
  auto z = http("GET", s->port(), "/noise", {}, {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(z.headers["content-encoding"], "gzip");
  EXPECT_TRUE(gunzip(z.body) == noise);
}

TEST(HttpServerTest, oversized_request_bodies_get_413) {
  HttpOptions o;
  o.max_body_bytes = 100;
  auto s = start(o);
  s->handle(Method::post, "/p", [](const Request& r) { return Response::text(200, std::to_string(r.body.size())); });
  EXPECT_EQ(http("POST", s->port(), "/p", std::string(100, 'a')).body, "100");
  EXPECT_EQ(http("POST", s->port(), "/p", std::string(101, 'a')).status, 413);
}

TEST(HttpServerTest, metrics_are_served_in_text_format) {
  auto s = start();
  auto metrics = std::make_shared<bridge::prometheus::BridgeMetrics>();
  metrics->add_meter("meter-1").up.Set(1);
  auto exposition = std::make_shared<bridge::prometheus::Exposition>();
  exposition->add(metrics->registry());
  exposition->add(std::static_pointer_cast<const bridge::prometheus::Collector>(metrics));
  s->serve_metrics(exposition);
  auto r = http("GET", s->port(), "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("dlms_bridge_meter_up{meter=\"meter-1\"} 1\n"), std::string::npos);
}

// /metrics gzips through ChunkedGzip: each gzip scrape inflates to the identity body of the same
// moment, also after values changed and chunks were reused from the previous scrape.
TEST(HttpServerTest, gzip_metrics_scrapes_inflate_to_the_current_body) {
  auto s = start();
  auto metrics = std::make_shared<bridge::prometheus::BridgeMetrics>();
  for (int k = 0; k < 3000; ++k) metrics->add_meter("meter-" + std::to_string(k)).up.Set(1);
  auto exposition = std::make_shared<bridge::prometheus::Exposition>();
  exposition->add(std::static_pointer_cast<const bridge::prometheus::Collector>(metrics));
  s->serve_metrics(exposition);
  for (int scrape = 0; scrape < 3; ++scrape) {
    for (int k = scrape; k < 3000; k += 40) metrics->meter("meter-" + std::to_string(k))->polls_total.Increment(k + 1);
    auto z = http("GET", s->port(), "/metrics", {}, {{"Accept-Encoding", "gzip"}});
    ASSERT_EQ(z.headers["content-encoding"], "gzip");
    EXPECT_EQ(z.headers["vary"], "Accept-Encoding");
    const auto plain = http("GET", s->port(), "/metrics");
    EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
    EXPECT_TRUE(gunzip(z.body) == plain.body) << "scrape " << scrape;
    EXPECT_NE(plain.body.find("dlms_bridge_meter_polls_total{meter=\"meter-" + std::to_string(scrape) + "\"} " +
                              std::to_string(scrape + 1) + "\n"),
              std::string::npos);
  }
}

TEST(HttpOptionsTest, validation_names_every_problem) {
  HttpOptions o;
  o.listen = "127.0.0.1";
  bridge::api::TlsServerConfig tls;
  tls.cert_file = "/nonexistent/cert.pem";
  tls.client_auth_type = "Sometimes";
  tls.min_version = "TLS10";
  o.tls_server_config = tls;
  o.basic_auth_users = {{"u", "plaintext"}};
  auto r = bridge::api::validate(o);
  ASSERT_FALSE(r);
  const auto& m = r.error().message;
  for (const char* part : {"http.listen", "cert_file", "key_file is required", "client_auth_type \"Sometimes\"",
                           "min_version \"TLS10\"", "basic_auth_users.u"}) {
    EXPECT_NE(m.find(part), std::string::npos) << part << " in " << m;
  }
  EXPECT_EQ(bridge::api::to_label(r.error().code), "bad_options");
  EXPECT_TRUE(bridge::api::validate(HttpOptions{}));
}

TEST(HttpServerTest, a_busy_port_is_a_listen_error) {
  auto a = start();
  HttpOptions o;
  o.listen = "127.0.0.1:" + std::to_string(a->port());
  auto b = HttpServer::start(o);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, bridge::api::HttpError::Code::listen);
  // The real address and the reason, not CivetWeb's "null context when constructing ...".
  EXPECT_EQ(b.error().message, o.listen + " is already in use");
}

}  // namespace
