#include "bridge/api/router.h"

#include <algorithm>
#include <exception>

#include "bridge/api/request_target.h"
#include "bridge/log.h"

namespace bridge::api {
namespace {

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
  return static_cast<std::size_t>(
      std::count_if(pattern.begin(), pattern.end(), [](const auto& s) { return !is_placeholder(s); }));
}

}  // namespace

void Router::handle(Method method, const std::string& pattern, Handler handler) {
  // Patterns are our own literals: split them like a decoded path (no escapes in them).
  std::vector<std::string> segments;
  if (auto decoded = decode_path(pattern)) segments = std::move(*decoded);
  std::unique_lock lock(mutex_);
  for (auto& r : routes_) {
    if (r.method == method && r.segments == segments) {
      r.handler = std::move(handler);
      return;
    }
  }
  routes_.push_back(Route{method, std::move(segments), std::move(handler)});
}

std::optional<Response> Router::parse_target(Request& request) {
  auto segments = decode_path(request.raw_path);
  if (!segments) return Response::error(400, segments.error());
  request.segments = std::move(*segments);
  request.path = join_path(request.segments);
  auto params = parse_query(request.query);
  if (!params) return Response::error(400, params.error());
  request.query_params = std::move(*params);
  return std::nullopt;
}

Response Router::route(Request& request) const {
  const Method wanted = request.method == Method::head ? Method::get : request.method;
  Handler handler;
  std::vector<Method> allowed;
  {
    std::shared_lock lock(mutex_);
    const Route* best = nullptr;
    std::map<std::string, std::string> best_params;
    for (const auto& r : routes_) {
      std::map<std::string, std::string> params;
      if (!match(r.segments, request.segments, params)) continue;
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
    const std::string method = request.method == Method::other ? request.method_name : std::string(to_string(request.method));
    auto r = Response::error(405, method + " is not allowed on " + request.path);
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  try {
    return handler(request);
  } catch (const std::exception& e) {
    log::error("http handler failed", {{"path", request.path}, {"error", e.what()}});
  } catch (...) {
    log::error("http handler failed", {{"path", request.path}, {"error", "unknown exception"}});
  }
  return Response::error(500, "internal error (details are in the bridge's log)");
}

}  // namespace bridge::api
