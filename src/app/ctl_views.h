#pragma once
// What `ctl list`, `ctl top`, `ctl summary` and `ctl status` print: the status page's content as
// terminal text, from the same API JSON (GET /api/v1/summary, /api/v1/meters, /api/v1/meters/{id}).
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace bridge::app {

struct TextStyle {
  bool color = false;       // ANSI colours (a terminal)
  std::size_t width = 0;    // cut lines to this many columns (0 = no limit)
};

// One line per figure: "success      88.5 %   target >= 98 %   CRITICAL  31 of 35 cycles ...".
std::string summary_text(const nlohmann::json& summary, const TextStyle& style);
// The fleet table: health and since when, success ratio, latency and success sparklines,
// badges, diagnosis headline, last values.
std::string fleet_table_text(const nlohmann::json& meters, const TextStyle& style);
// One meter, everything the detail page shows.
std::string meter_detail_text(const nlohmann::json& detail, const TextStyle& style);
// Unicode block sparkline of the trend points, `width` characters (buckets merged to fit).
std::string sparkline_text(const nlohmann::json& points, bool latency, std::size_t width);

}  // namespace bridge::app
