#include "bridge/api/http_types.h"

#include <CivetServer.h>

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
  }
  return "GET";
}

std::string Request::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::string Request::query_param(const std::string& name) const {
  std::string value;
  CivetServer::getParam(query, name.c_str(), value);
  return value;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

Response Response::json(int status, const nlohmann::json& value) {
  return text(status, value.dump(), "application/json");
}

Response Response::error(int status, std::string_view message) {
  return json(status, nlohmann::json{{"error", message}});
}

}  // namespace bridge::api
