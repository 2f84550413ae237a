#pragma once
// [http] from the config (bridge::config::HttpConfig) -> HttpOptions for HttpServer::start.
#include "bridge/api/http_options.h"
#include "bridge/config/config.h"

namespace bridge::api {

HttpOptions to_http_options(const config::HttpConfig& http);

}  // namespace bridge::api
