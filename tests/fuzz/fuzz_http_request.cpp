// HTTP request routing and query parsing (src/api Router, request_target, the events query of
// src/app) with the bridge's route table: method line, target and headers from the input.
// Invariants: nothing throws, the status is one the contract allows, every error body is
// JSON {"error": string} in valid UTF-8, the target is rejected exactly when a reference
// decoding (written here, independent of request_target.cpp) rejects it, and otherwise the
// segments and query parameters are exactly the reference's: no NUL truncation, no '%2F'
// turned into a separator, no dot segment resolved, so ids match exactly.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Reference decoding: every "%XX" is one byte (two hex digits or the target is invalid), '+'
// is a space in the query only, and each decoded piece must be UTF-8.
std::optional<std::string> reference_decode(std::string_view raw, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%') {
      if (i + 2 >= raw.size() || hex(raw[i + 1]) < 0 || hex(raw[i + 2]) < 0) return std::nullopt;
      out.push_back(static_cast<char>(hex(raw[i + 1]) * 16 + hex(raw[i + 2])));
      i += 2;
    } else {
      out.push_back(plus_is_space && raw[i] == '+' ? ' ' : raw[i]);
    }
  }
  if (!bridge::utf8::valid(out)) return std::nullopt;
  return out;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  for (std::size_t pos = 0;;) {
    const auto at = text.find(sep, pos);
    parts.push_back(text.substr(pos, at == std::string_view::npos ? std::string_view::npos : at - pos));
    if (at == std::string_view::npos) return parts;
    pos = at + 1;
  }
}

// "/" -> {}, "/a/b%2Fc/" -> {"a", "b/c", ""}; nullopt when the path is not acceptable.
std::optional<std::vector<std::string>> reference_segments(std::string_view raw_path) {
  if (raw_path.empty() || raw_path.front() != '/') return std::nullopt;
  std::vector<std::string> segments;
  if (raw_path.size() == 1) return segments;
  for (auto raw : split(raw_path.substr(1), '/')) {
    auto decoded = reference_decode(raw, false);
    if (!decoded) return std::nullopt;
    segments.push_back(std::move(*decoded));
  }
  return segments;
}

// Empty pairs are skipped; a name given twice makes the query invalid.
std::optional<std::map<std::string, std::string>> reference_query(std::string_view raw_query) {
  std::map<std::string, std::string> params;
  for (auto pair : split(raw_query, '&')) {
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto name = reference_decode(pair.substr(0, eq), true);
    auto value = reference_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!name || !value || !params.emplace(std::move(*name), std::move(*value)).second) return std::nullopt;
  }
  return params;
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
  const auto expected_segments = reference_segments(raw_path);
  const auto expected_query = reference_query(req.query);
  if (early) {
    if (early->status != 400) std::abort();
    if (expected_segments && expected_query) std::abort();  // a valid target was refused
  } else {
    if (!expected_segments || !expected_query) std::abort();  // an invalid target got through
    if (req.segments != *expected_segments || req.query_params != *expected_query) std::abort();
    if (!bridge::utf8::valid(req.path)) std::abort();
    // Meter m1 is reached only by a segment that decodes to exactly "m1".
    if (response.status == 200 && req.method == Method::get && req.segments.size() == 4 && req.segments[2] == "meters") {
      if (req.segments[3] != "m1") std::abort();
    }
  }
  return 0;
}
