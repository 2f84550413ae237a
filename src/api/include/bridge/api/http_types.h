#pragma once
// What a route handler sees and returns. Handlers run on CivetWeb worker threads: they must be
// thread-safe and must not block on a meter (serve cached state).
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace bridge::api {

enum class Method { get, head, post, put, patch, del };
std::string_view to_string(Method m);

struct Request {
  Method method = Method::get;
  std::string path;                              // decoded, without the query
  std::string query;                             // raw query string (may be empty)
  std::string body;
  std::map<std::string, std::string> headers;    // lower-case names
  std::map<std::string, std::string> params;     // {name} segments of the matched route
  std::string user;                              // basic-auth user, empty otherwise

  // Header value or empty.
  std::string header(const std::string& lower_name) const;
  // Query parameter (URL-decoded) or empty.
  std::string query_param(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static Response json(int status, const nlohmann::json& value);
  // {"error": "<message>"} with the given 4xx/5xx status.
  static Response error(int status, std::string_view message);
};

using Handler = std::function<Response(const Request&)>;

}  // namespace bridge::api
