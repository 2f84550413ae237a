#include "status_routes.h"

#include <chrono>

#include "bridge/status/html.h"
#include "bridge/status/pages.h"
#include "status_views.h"
#include "bridge/wall_clock.h"

namespace bridge::app {
namespace {

using api::Method;
using api::Request;
using api::Response;

std::string page_title(const RestContext& ctx) {
  const auto cfg = ctx.config ? ctx.config() : nullptr;
  return cfg && !cfg->bridge.instance.empty() ? "dlms-bridge · " + cfg->bridge.instance : std::string("dlms-bridge");
}

Response html(int status, std::string body) {
  auto r = Response::text(status, std::move(body), "text/html; charset=utf-8");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace

void register_status_routes(api::HttpServer& http, std::shared_ptr<const RestContext> ctx) {
  http.handle(Method::get, "/", [ctx](const Request& req) {
    status::FleetFilter filter;
    filter.health = req.query_param("state");
    filter.only_problems = !req.query_param("problems").empty() && req.query_param("problems") != "0";
    filter.search = req.query_param("q");
    const auto now = bridge::wall_ms();
    const auto views = meter_views(*ctx, now);
    return html(200, status::render_fleet_page(fleet_summary(*ctx, views, now), views, filter, page_title(*ctx)));
  });
  http.handle(Method::get, "/meters/{id}", [ctx](const Request& req) {
    const std::string& id = req.params.at("id");
    auto s = ctx->fleet->status(id);
    if (!s) {
      return html(404, "<!doctype html><title>unknown meter</title><p>No meter '" + status::html::escape(id) +
                           "' in the running config. <a href=\"/\">Back to the fleet</a></p>");
    }
    return html(200, status::render_meter_page(meter_detail(*ctx, *s, bridge::wall_ms()), page_title(*ctx)));
  });
  http.handle(Method::get, "/api/v1/summary", [ctx](const Request&) {
    const auto now = bridge::wall_ms();
    return Response::json(200, fleet_summary(*ctx, meter_views(*ctx, now), now));
  });
}

}  // namespace bridge::app
