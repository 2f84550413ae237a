#include "bridge/api/http_types.h"

#include <nlohmann/json.hpp>

namespace bridge::api {

std::string_view to_string(Method m) {
  switch (m) {
    case Method::get: return "GET";
    case Method::head: return "HEAD";
    case Method::post: return "POST";
    case Method::put: return "PUT";
    case Method::patch: return "PATCH";
    case Method::del: return "DELETE";
    case Method::other: return "OTHER";
  }
  return "GET";
}

Method parse_method(std::string_view name) {
  for (auto m : {Method::get, Method::head, Method::post, Method::put, Method::patch, Method::del}) {
    if (to_string(m) == name) return m;
  }
  return Method::other;
}

std::string Request::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::string Request::query_param(const std::string& name) const {
  auto it = query_params.find(name);
  return it == query_params.end() ? std::string() : it->second;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

Response Response::json(int status, const nlohmann::json& value) {
  // Strings may hold bytes a client sent or a meter answered; dump() throws on invalid UTF-8
  // unless told otherwise, and a throw here must never take the server down: replace (U+FFFD).
  return text(status, value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

Response Response::error(int status, std::string_view message) {
  return json(status, nlohmann::json{{"error", message}});
}

}  // namespace bridge::api
