#pragma once
// The status pages, rendered on the server from the same JSON the REST API serves (so the page,
// the API and `ctl` show the same things). They work without JavaScript; the small inline
// script (page_assets) refreshes the live parts in place every 2 s, applies the filters without
// a reload and drives the pause / resume / test buttons.
#include <nlohmann/json.hpp>

#include <string>

namespace bridge::status {

struct FleetFilter {
  std::string health;     // "" = every meter; else "up", "degraded", "down", "breaker_open", "paused", "starting"
  bool only_problems = false;
  std::string search;     // substring of the meter id (case-insensitive)
  bool matches(const nlohmann::json& meter_view) const;
};

// Meter views in the order the operator reads them: down, breaker open, degraded, starting,
// paused, up; by id within each (stable). The page and `ctl list`/`ctl top` share it.
nlohmann::json problems_first(const nlohmann::json& meters);

// GET /: the summary bar (`summary` = GET /api/v1/summary) and one row per meter view.
std::string render_fleet_page(const nlohmann::json& summary, const nlohmann::json& meters, const FleetFilter& filter,
                              const std::string& title);
// GET /meters/{id}: one meter's detail view (= GET /api/v1/meters/{id}).
std::string render_meter_page(const nlohmann::json& detail, const std::string& title);

// Shared head (styles) and the refresh/buttons script.
const std::string& page_style();
const std::string& page_script();

}  // namespace bridge::status
