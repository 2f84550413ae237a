#pragma once
// Records each applied config in the store's history (start-up, SIGHUP, POST /-/reload) and
// serves it: GET /api/v1/config/versions[?limit=N] (newest first, without the config text) and
// GET /api/v1/config/versions/{id} (with the effective config, secrets redacted).
#include <string>

#include "bridge/api/http_server.h"
#include "bridge/config/config.h"
#include "bridge/store/store.h"

namespace bridge::app {

// The version row for `config`: SHA-256 of the text it was loaded from, the
// redacted effective config, the meter count, now as the time.
store::ConfigVersion config_version_of(const config::Config& config, std::string trigger, std::string actor);

// Queues the row without waiting (safe on the event loop); a failed write is logged by the store.
void record_config_version(store::Store& store, const config::Config& config, std::string trigger,
                           std::string actor);

void register_config_routes(api::HttpServer& http, store::Store& store);

}  // namespace bridge::app
