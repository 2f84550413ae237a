#include "bridge/status/pages.h"

#include <gtest/gtest.h>

#include "bridge/status/html.h"

namespace {

using nlohmann::json;
using namespace bridge::status;

json view(const std::string& id, const std::string& health, bool problem) {
  json points = json::array();
  for (int i = 0; i < 60; ++i) {
    points.push_back({{"t", i * 60000}, {"cycles", i < 50 ? 0 : 12}, {"ok", i < 55 ? 12 : 3},
                      {"latency_ms", i < 50 ? json(nullptr) : json(100 + i)}, {"latency_max_ms", nullptr}});
  }
  return {{"id", id}, {"host", "10.0.0.7"}, {"port", 3333}, {"state", "idle"}, {"health", health},
          {"problem", problem}, {"paused", health == "paused"}, {"down_since", nullptr}, {"down_for", nullptr},
          {"last_success", 1}, {"address", {{"text", "client SAP 1 → server logical 0, physical 5"}}},
          {"last_reading", {{"ts", 1}, {"values", json::array({{{"key", "voltage_l1"}, {"obis", "1-1:32.7.0"}, {"value", 230.1}, {"unit", "V"}}})}}},
          {"trend", {{"points", points}, {"success_ratio", 0.9}, {"success_level", "critical"}, {"ok", 9}, {"cycles", 10}}},
          {"badges", json::array()}, {"diagnosis", nullptr}};
}

json summary() {
  return {{"figures", json::array({{{"key", "success_ratio"}, {"label", "success"}, {"text", "90 %"},
                                    {"target", ">= 98 %"}, {"level", "critical"}, {"detail", "9 of 10"}}})},
          {"meters", {{"total", 2}, {"up", 1}, {"down", 1}}}, {"window", "1 h"}, {"window_ms", 3600000},
          {"covered_ms", 3600000}, {"mqtt", {{"enabled", false}}}};
}

TEST(StatusPages, problems_come_first_and_every_row_has_values_sparklines_and_buttons) {
  json meters = json::array({view("a-ok", "up", false), view("b-dead", "down", true)});
  meters[1]["down_for"] = "12 min";
  meters[1]["down_since"] = 1'700'000'000'000;
  const std::string page = render_fleet_page(summary(), meters, {}, "dlms-bridge");
  const auto dead = page.find("id=\"meter-b-dead\""), ok = page.find("id=\"meter-a-ok\"");
  ASSERT_NE(dead, std::string::npos);
  ASSERT_NE(ok, std::string::npos);
  EXPECT_LT(dead, ok);
  EXPECT_NE(page.find("for 12 min (since 22:13:20 UTC)"), std::string::npos);
  EXPECT_NE(page.find("230.1 V"), std::string::npos);
  EXPECT_NE(page.find("class=\"spark latency\""), std::string::npos);
  EXPECT_NE(page.find("<rect class=\"lvl-critical\""), std::string::npos);  // the bucket with 3 of 12 good
  EXPECT_NE(page.find("data-action=\"pause\" data-meter=\"a-ok\""), std::string::npos);
  EXPECT_NE(page.find("<title>dlms-bridge · 1 problem</title>"), std::string::npos);
  EXPECT_EQ(page.find("cdn"), std::string::npos);
  EXPECT_EQ(page.find("src=\"http"), std::string::npos);  // nothing loaded from elsewhere
}

TEST(StatusPages, data_is_escaped) {
  json meters = json::array({view("<script>alert(1)</script>", "up", false)});
  meters[0]["last_reading"]["values"][0]["key"] = "\"><img src=x>";
  const std::string page = render_fleet_page(summary(), meters, {}, "dlms-bridge");
  EXPECT_EQ(page.find("<script>alert(1)"), std::string::npos);
  EXPECT_EQ(page.find("<img src=x>"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

TEST(StatusPages, filters_select_rows) {
  json meters = json::array({view("north-1", "up", false), view("south-2", "down", true), view("north-3", "paused", true)});
  auto rows = [&](FleetFilter f) {
    const std::string page = render_fleet_page(summary(), meters, f, "t");
    std::string ids;
    for (const char* id : {"north-1", "south-2", "north-3"}) {
      if (page.find(std::string("id=\"meter-") + id + "\"") != std::string::npos) ids += std::string(id) + " ";
    }
    return ids;
  };
  FleetFilter all, problems, down, north, east;
  problems.only_problems = true;
  down.health = "down";
  north.search = "NORTH";
  east.search = "east";
  EXPECT_EQ(rows(all), "north-1 south-2 north-3 ");
  EXPECT_EQ(rows(problems), "south-2 north-3 ");
  EXPECT_EQ(rows(down), "south-2 ");
  EXPECT_EQ(rows(north), "north-1 north-3 ");
  EXPECT_NE(render_fleet_page(summary(), meters, east, "t").find("no meter matches"), std::string::npos);
}

TEST(StatusPages, the_meter_page_masks_nothing_itself_but_shows_the_masked_config_and_frames) {
  json m = view("m1", "down", true);
  m["recent_events"] = json::array({{{"ts", 1}, {"severity", "error"}, {"category", "connection"},
                                     {"text", "meter down (2 similar events before this one)"}}});
  m["diagnostic_frames"] = json::array({{{"ts", 1}, {"kind", "fcs"}, {"direction", "rx"}, {"frame_hex", "7ea00a"}, {"message", "bad FCS"}}});
  m["config"] = {{"id", "m1"}, {"password", "<secret>"}};
  m["diagnosis"] = {{"headline", "Silent after connect"}, {"explanation", "why"}, {"actions", {"one", "two"}},
                    {"severity", "error"}, {"count", 3}, {"first_seen", 1}, {"last_seen", 2}};
  const std::string page = render_meter_page(m, "dlms-bridge");
  for (const char* expected : {"2 similar events before this one", "7ea00a", "&lt;secret&gt;", "<li>one</li><li>two</li>",
                               "Silent after connect", "physical 5", "class=\"spark success big\""}) {
    EXPECT_NE(page.find(expected), std::string::npos) << expected;
  }
}

TEST(StatusPages, latency_sparkline_leaves_gaps_where_no_cycle_ran) {
  json points = json::array({{{"latency_ms", 100}}, {{"latency_ms", nullptr}}, {{"latency_ms", 300}}});
  const std::string svg = html::latency_svg(points, 100, 20, "latency");
  // Two separate segments (M ... M ...), not one line across the gap.
  EXPECT_EQ(svg.find("L"), std::string::npos) << svg;
  std::size_t moves = 0;
  for (auto p = svg.find(" M"); p != std::string::npos; p = svg.find(" M", p + 1)) ++moves;
  EXPECT_GE(moves + (svg.find("d=\"M") != std::string::npos ? 1 : 0), 2u) << svg;
}

}  // namespace

namespace {

TEST(StatusPages, the_endpoint_in_use_and_the_clock_offset_are_shown) {
  json primary = view("on-primary", "up", false);
  primary["endpoint"] = "10.0.0.7:3333";
  primary["endpoint_index"] = 0;
  json failed_over = view("on-backup", "up", false);
  failed_over["endpoint"] = "10.9.0.7:4059";
  failed_over["endpoint_index"] = 1;
  const std::string fleet = render_fleet_page(summary(), json::array({primary, failed_over}), {}, "dlms-bridge");
  EXPECT_NE(fleet.find("10.9.0.7:4059 (failover 1)"), std::string::npos);
  EXPECT_NE(fleet.find(">10.0.0.7:3333<"), std::string::npos);

  failed_over["clock"] = {{"checked", 1'700'000'000'000}, {"offset_seconds", -42.25}, {"problem", nullptr}};
  failed_over["recent_events"] = json::array();
  failed_over["diagnostic_frames"] = json::array();
  failed_over["config"] = {{"id", "on-backup"}};
  const std::string page = render_meter_page(failed_over, "dlms-bridge");
  EXPECT_NE(page.find("10.9.0.7:4059 (failover 1)"), std::string::npos);
  EXPECT_NE(page.find("42.2 s behind (checked 22:13:20 UTC)"), std::string::npos) << page;
  EXPECT_EQ(html::clock_offset_text(json{{"checked", nullptr}}), "not checked");
  EXPECT_EQ(html::clock_offset_text(json{{"checked", 1'700'000'000'000}, {"offset_seconds", nullptr},
                                         {"problem", "the meter marks its clock invalid"}}),
            "the meter marks its clock invalid (checked 22:13:20 UTC)");
  EXPECT_EQ(html::clock_offset_text(json{{"checked", 1}, {"offset_seconds", 3.0}}), "3.0 s ahead (checked 00:00:00 UTC)");
}

}  // namespace

namespace {

// Issue 14: a paused meter read "state: paused (paused)"; the session's state is shown only
// when it says something the health does not.
TEST(StatusPages, the_session_state_is_shown_only_when_it_adds_to_the_health) {
  auto meter = [](const std::string& health, const std::string& state) {
    json m = view("m1", health, health != "up");
    m["state"] = state;
    return m;
  };
  EXPECT_EQ(html::session_text(meter("paused", "paused")), "");
  EXPECT_EQ(html::session_text(meter("paused", "idle")), "");  // the session is winding down
  EXPECT_EQ(html::session_text(meter("breaker_open", "breaker_open")), "");
  EXPECT_EQ(html::session_text(meter("down", "backoff")), "waiting to reconnect");
  EXPECT_EQ(html::session_text(meter("up", "polling")), "reading");
  EXPECT_EQ(html::session_text(meter("down", "connecting")), "connecting");

  json paused = meter("paused", "paused");
  paused["recent_events"] = json::array();
  paused["diagnostic_frames"] = json::array();
  paused["config"] = {{"id", "m1"}};
  const std::string page = render_meter_page(paused, "dlms-bridge");
  EXPECT_EQ(page.find("</span> paused"), std::string::npos) << page;
  EXPECT_NE(page.find(">paused</span>"), std::string::npos) << page;

  // "seen once", never "seen 1 times".
  json down = meter("down", "backoff");
  down["recent_events"] = json::array();
  down["diagnostic_frames"] = json::array();
  down["config"] = {{"id", "m1"}};
  down["diagnosis"] = {{"headline", "Silent after connect"}, {"explanation", "why"}, {"actions", {"one"}},
                       {"severity", "error"}, {"count", 1}, {"first_seen", 1'700'000'000'000}, {"last_seen", 1'700'000'000'000}};
  const std::string once = render_meter_page(down, "dlms-bridge");
  EXPECT_NE(once.find("seen once at 22:13:20 UTC"), std::string::npos) << once;
  EXPECT_NE(once.find("waiting to reconnect"), std::string::npos) << once;
  down["diagnosis"]["count"] = 4;
  EXPECT_NE(render_meter_page(down, "dlms-bridge").find("seen 4 times since 22:13:20 UTC"), std::string::npos);
}

}  // namespace

namespace {

TEST(StatusPages, problems_first_orders_by_health_then_keeps_the_id_order) {
  const json meters = json::array({view("a", "up", false), view("b", "paused", true), view("c", "degraded", true),
                                   view("d", "down", true), view("e", "up", false), view("f", "breaker_open", true)});
  std::string ids;
  for (const auto& m : problems_first(meters)) ids += m.value("id", "");
  EXPECT_EQ(ids, "dfcbae");
}

}  // namespace
