// HTTP request routing and query parsing (src/api Router, request_target, the events query of
// src/app) with the bridge's route table: method line, target and headers from the input.
// Invariants: nothing throws, the status is one the contract allows, every error body is
// JSON {"error": string} in valid UTF-8, and ids match exactly (only the decoded segment "m1"
// reaches meter m1).
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bridge/api/router.h"
#include "bridge/utf8.h"
#include "events_query.h"

namespace {

using bridge::api::Method;
using bridge::api::Request;
using bridge::api::Response;

std::unique_ptr<bridge::api::Router> make_router() {
  auto router = std::make_unique<bridge::api::Router>();
  auto& r = *router;
  {
    auto ok = [](const Request&) { return Response::text(200, "ok"); };
    r.handle(Method::get, "/-/healthy", ok);
    r.handle(Method::get, "/-/ready", ok);
    r.handle(Method::post, "/-/reload", ok);
    r.handle(Method::get, "/metrics", ok);
    r.handle(Method::get, "/", ok);
    r.handle(Method::get, "/api/v1/meters", ok);
    r.handle(Method::get, "/api/v1/health", ok);
    r.handle(Method::get, "/api/v1/action-plan", ok);
    r.handle(Method::get, "/api/v1/meters/{id}", [](const Request& q) {
      const auto& id = q.params.at("id");
      if (id != "m1") return Response::error(404, "unknown meter '" + id + "'");
      return Response::text(200, "m1");
    });
    r.handle(Method::post, "/api/v1/meters/{id}/{action}", [](const Request& q) {
      if (q.params.at("id") != "m1") return Response::error(404, "unknown meter '" + q.params.at("id") + "'");
      const auto& a = q.params.at("action");
      if (a != "pause" && a != "resume" && a != "test") return Response::error(400, "unknown action '" + a + "'");
      return Response::text(200, "done");
    });
    r.handle(Method::get, "/api/v1/events", [](const Request& q) {
      auto filter = bridge::app::parse_events_query(q.query_params, 1'700'000'000'000);
      if (!filter) return Response::error(400, filter.error());
      return Response::json(200, nlohmann::json::array());
    });
  }
  return router;
}

const bridge::api::Router& router() {
  static const auto r = make_router();
  return *r;
}

// Line 1: method; line 2: request target (path?query); then "name: value" header lines.
Request to_request(std::string_view input) {
  Request req;
  auto next_line = [&]() {
    const auto eol = input.find('\n');
    auto line = input.substr(0, eol);
    input = eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);
    return std::string(line);
  };
  req.method_name = next_line();
  req.method = bridge::api::parse_method(req.method_name);
  const auto target = next_line();
  const auto question = target.find('?');
  req.raw_path = target.substr(0, question);
  if (question != std::string::npos) req.query = target.substr(question + 1);
  while (!input.empty()) {
    const auto line = next_line();
    const auto colon = line.find(':');
    if (colon != std::string::npos) req.headers[line.substr(0, colon)] = line.substr(colon + 1);
  }
  return req;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Request req = to_request(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string raw_path = req.raw_path;
  auto early = bridge::api::Router::parse_target(req);
  const Response response = early ? *early : router().route(req);
  switch (response.status) {
    case 200: case 400: case 404: case 405: break;
    default: std::abort();
  }
  if (!bridge::utf8::valid(response.body)) std::abort();
  if (response.status != 200) {
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (!body.is_object() || !body.contains("error") || !body["error"].is_string()) std::abort();
  }
  if (early) {
    if (early->status != 400) std::abort();
  } else {
    if (!bridge::utf8::valid(req.path)) std::abort();
    for (const auto& [k, v] : req.query_params) {
      if (!bridge::utf8::valid(k) || !bridge::utf8::valid(v)) std::abort();
    }
    // Meter m1 is reached only by a segment that decodes to exactly "m1".
    if (response.status == 200 && req.method == Method::get && req.segments.size() == 4 && req.segments[2] == "meters") {
      if (req.segments[3] != "m1") std::abort();
    }
  }
  return 0;
}
