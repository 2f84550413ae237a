#pragma once
// Route table and request-target validation of the HTTP server, free of any socket: HttpServer
// feeds it from CivetWeb, the fuzz target (tests/fuzz/fuzz_http_request.cpp) feeds it bytes.
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "bridge/api/http_types.h"

namespace bridge::api {

class Router {
 public:
  // `pattern` is a path whose segments may be `{name}` placeholders
  // ("/api/v1/meters/{id}/{action}"); a later registration of the same method + pattern
  // replaces the earlier one.
  void handle(Method method, const std::string& pattern, Handler handler);

  // Decodes request.raw_path and request.query into segments, path and query_params. A 400
  // JSON error when either is malformed or not UTF-8 (the message never echoes the bytes).
  static std::optional<Response> parse_target(Request& request);

  // Finds the handler for a parsed request and runs it. HEAD is served by the GET handler; a
  // path that matches with another method gets 405 and an Allow header; none matches: 404.
  // A handler that throws gets 500 "internal error" (the exception text goes to the log only).
  Response route(Request& request) const;

 private:
  struct Route {
    Method method;
    std::vector<std::string> segments;
    Handler handler;
  };
  mutable std::shared_mutex mutex_;
  std::vector<Route> routes_;
};

}  // namespace bridge::api
