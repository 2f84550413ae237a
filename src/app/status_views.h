#pragma once
// The operator's views of the fleet as JSON, one source for the status page (rendered on the
// server from exactly this JSON), the REST API and `ctl`: what the page shows, the API gives
// and `ctl` prints.
//
//   meter_view:    one row: state, health ("up", "degraded", "down", ...) and since when, the
//                  configured address, the last values with units, the trend over the history
//                  window (success ratio, sparkline points), badges, diagnosis headline + actions
//   meter_detail:  meter_view + recent events, the last captured error frames, the config
//                  with secrets masked
//   fleet_summary: the figures against their targets, meter counts by health, MQTT state
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "rest_routes.h"

namespace bridge::app {

nlohmann::json meter_view(const RestContext& ctx, const poller::MeterStatus& status, std::int64_t now_ms);
nlohmann::json meter_views(const RestContext& ctx, std::int64_t now_ms);
nlohmann::json meter_detail(const RestContext& ctx, const poller::MeterStatus& status, std::int64_t now_ms);
nlohmann::json fleet_summary(const RestContext& ctx, const nlohmann::json& views, std::int64_t now_ms);

}  // namespace bridge::app
