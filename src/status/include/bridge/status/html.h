#pragma once
// Building blocks of the server-rendered status pages: escaping, inline SVG sparklines and
// charts, badges. Every text that comes from data goes through escape().
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace bridge::status::html {

std::string escape(std::string_view text);

// Trend points as GET /api/v1/meters gives them ([{"t","cycles","ok","latency_ms",...}]).
// Latency: a line of the mean cycle latency per bucket with the 2 s target dashed, gaps where
// no read cycle ran. Success: one bar per bucket, its height the share of good cycles, coloured
// by the success target; empty buckets stay empty.
std::string latency_svg(const nlohmann::json& points, int width, int height, std::string_view css_class);
std::string success_svg(const nlohmann::json& points, int width, int height, std::string_view css_class);

// "14:03:07" (UTC) of a UTC ms timestamp; "-" for null/0.
std::string clock_text(const nlohmann::json& ts_ms);
// The endpoint in use of a meter view: "10.0.0.7:3333", or "10.9.0.7:3333 (failover 1)" while
// the session uses one of its alternative endpoints.
std::string endpoint_text(const nlohmann::json& meter);
// What the session is doing, in words, when it adds to the meter's health: "waiting to
// reconnect" for a down meter in backoff, "reading" for an up one; empty when it would only
// repeat the health ("paused (paused)", "breaker open (breaker_open)") or while a paused
// session winds down.
std::string session_text(const nlohmann::json& meter);
// The meter's clock of a meter view: "12.3 s ahead (checked 14:03:07 UTC)", "0.4 s behind ...",
// the problem when the reading gave no offset, "not checked" before the first check.
std::string clock_offset_text(const nlohmann::json& clock);
// The value as the meter gave it, trimmed ("230.1", "0.987", "12345"), plus the unit.
std::string value_text(const nlohmann::json& value, std::string_view unit);

// <span class="badge lvl-warning" title="...">text</span> for every badge of a meter view.
std::string badges(const nlohmann::json& badges);
// Pause or resume (whichever applies) and test, wired by the page script.
std::string action_buttons(const std::string& meter, bool paused);

}  // namespace bridge::status::html
