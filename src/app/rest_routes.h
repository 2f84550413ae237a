#pragma once
// REST API of docs/contract.md on the one HTTP server: /api/v1/meters, /api/v1/meters/{id},
// POST /api/v1/meters/{id}/{pause|resume|test}, /api/v1/events, /api/v1/health,
// /api/v1/action-plan, and the status page at /. Handlers read cached state (fleet snapshots,
// the store's reader connection); none of them touches a meter except `test`, which runs one
// cycle through the poller and waits for it.
#include <functional>
#include <memory>

#include "bridge/api/http_server.h"
#include "bridge/config/config.h"
#include "bridge/poller/fleet.h"
#include "bridge/store/store.h"

namespace bridge::mqtt {
class Exporter;
}

namespace bridge::status {
class FleetHistory;
}

namespace bridge::app {

struct RestContext {
  poller::Fleet* fleet = nullptr;
  store::Store* store = nullptr;
  mqtt::Exporter* mqtt = nullptr;  // null when [mqtt] enabled = false
  // The config in force (changes on reload); called on HTTP worker threads.
  std::function<std::shared_ptr<const config::Config>()> config;
  const status::FleetHistory* history = nullptr;  // trends for the status page, summary and ctl
};

void register_rest_routes(api::HttpServer& http, RestContext context);

}  // namespace bridge::app
