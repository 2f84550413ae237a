#pragma once
// The status pages (GET / and GET /meters/{id}, server-rendered) and GET /api/v1/summary.
#include "bridge/api/http_server.h"
#include "rest_routes.h"

namespace bridge::app {

void register_status_routes(api::HttpServer& http, std::shared_ptr<const RestContext> context);

}  // namespace bridge::app
