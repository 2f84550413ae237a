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

// `other`: a method CivetWeb accepts that no route serves (OPTIONS, TRACE, PROPFIND ...); it
// gets 405 on a known path and 404 elsewhere. Request::method_name keeps its spelling.
enum class Method { get, head, post, put, patch, del, other };
std::string_view to_string(Method m);
// "GET" -> Method::get ...; any other name -> Method::other.
Method parse_method(std::string_view name);

struct Request {
  Method method = Method::get;
  std::string method_name;                       // as sent (only needed for Method::other)
  std::string raw_path;                          // as sent, percent-encoded, without the query
  std::string query;                             // raw query string (may be empty)
  // Filled by Router::parse_target from raw_path and query (strictly decoded, UTF-8):
  std::vector<std::string> segments;             // decoded segments ("%2F" stays inside one)
  std::string path;                              // "/" + segments joined, for messages and logs
  std::map<std::string, std::string> query_params;
  std::string body;
  std::map<std::string, std::string> headers;    // lower-case names
  std::map<std::string, std::string> params;     // {name} segments of the matched route
  std::string user;                              // basic-auth user, empty otherwise

  // Header value or empty.
  std::string header(const std::string& lower_name) const;
  // Query parameter (decoded) or empty.
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
