// The keys of meter clocks, failover endpoints and adaptive timeouts: defaults, overrides and
// every bad value with its position.
#include <gtest/gtest.h>

#include "bridge/config/config.h"
#include "bridge/config/diff.h"
#include "test_util.h"

namespace {

using namespace std::chrono_literals;
using bridge::config::ClockMode;
using bridge::config::Endpoint;

std::string errors_of(const std::string& text) {
  auto r = bridge::config::load_string(text, "test.toml");
  if (r) return "";
  return config_test::all_errors(r.error());
}

TEST(BreadthKeysTest, defaults) {
  auto c = config_test::load_ok("[[meter]]\nid = \"m\"\nhost = \"h\"\n");
  const auto& q = c.meters.at(0).qos;
  EXPECT_EQ(q.clock, ClockMode::monitor);
  EXPECT_EQ(q.clock_check_every, 60u);
  EXPECT_EQ(q.clock_max_offset, 10s);
  EXPECT_EQ(q.clock_max_step, 5min);
  EXPECT_FALSE(q.request_timeout_auto);
  EXPECT_EQ(q.request_timeout_min, 1s);
  EXPECT_EQ(q.request_timeout_max, 30s);
  EXPECT_EQ(q.failover_holdback, 30min);
  EXPECT_TRUE(c.meters.at(0).endpoints.empty());
}

TEST(BreadthKeysTest, fleet_values_and_meter_overrides) {
  auto c = config_test::load_ok(
      "[qos]\nclock = \"sync\"\nclock_check_every = 12\nclock_max_offset = \"2s\"\nclock_max_step = \"30s\"\n"
      "request_timeout = \"auto\"\nrequest_timeout_min = \"200ms\"\nrequest_timeout_max = \"20s\"\n"
      "failover_holdback = \"10m\"\n"
      "[[meter]]\nid = \"a\"\nhost = \"10.0.0.1\"\n"
      "[[meter]]\nid = \"b\"\nhost = \"10.0.0.2\"\nport = 4059\nclock = \"off\"\nrequest_timeout = \"3s\"\n"
      "endpoints = [\"10.9.0.2:4059\", \"[fd00::2]:3333\"]\nfailover_holdback = \"1h\"\n");
  const auto& a = c.meters.at(0);
  const auto& b = c.meters.at(1);
  EXPECT_EQ(a.qos.clock, ClockMode::sync);
  EXPECT_EQ(a.qos.clock_check_every, 12u);
  EXPECT_EQ(a.qos.clock_max_offset, 2s);
  EXPECT_EQ(a.qos.clock_max_step, 30s);
  EXPECT_TRUE(a.qos.request_timeout_auto);
  EXPECT_EQ(a.qos.request_timeout_min, 200ms);
  EXPECT_EQ(a.qos.request_timeout_max, 20s);
  EXPECT_EQ(a.qos.failover_holdback, 10min);
  EXPECT_EQ(b.qos.clock, ClockMode::off);
  // A meter's own duration turns the fleet's "auto" off.
  EXPECT_FALSE(b.qos.request_timeout_auto);
  EXPECT_EQ(b.qos.request_timeout, 3s);
  EXPECT_EQ(b.qos.failover_holdback, 1h);
  ASSERT_EQ(b.endpoints.size(), 2u);
  EXPECT_EQ(b.endpoints[0], (Endpoint{"10.9.0.2", 4059}));
  EXPECT_EQ(b.endpoints[1], (Endpoint{"fd00::2", 3333}));
}

TEST(BreadthKeysTest, bad_values_are_reported_with_their_position) {
  const std::string e = errors_of(
      "[qos]\n"
      "clock = \"fix\"\n"                  // 2
      "clock_check_every = 0\n"            // 3
      "clock_max_offset = \"0s\"\n"        // 4
      "request_timeout = \"fast\"\n"       // 5
      "request_timeout_min = \"5s\"\n"     // 6
      "request_timeout_max = \"2s\"\n"     // 7
      "failover_holdback = 3\n"            // 8
      "[[meter]]\nid = \"m\"\nhost = \"10.0.0.1\"\nport = 3333\n"  // 9-12
      "endpoints = [\"10.0.0.1:3333\", \"nohost\", 7, \"10.0.0.9:0\", \"10.0.0.9:1\", \"10.0.0.9:1\"]\n");  // 13
  EXPECT_NE(e.find("test.toml:2:9: \"clock\" in [qos]: unknown value \"fix\" (expected off | monitor | sync)"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("test.toml:3:21:"), std::string::npos) << e;
  EXPECT_NE(e.find("test.toml:4:20:"), std::string::npos) << e;
  EXPECT_NE(e.find("test.toml:5:19:"), std::string::npos) << e;
  EXPECT_NE(e.find("or \"auto\""), std::string::npos) << e;
  EXPECT_NE(e.find("test.toml:7:23: \"request_timeout_max\" in [qos]: request_timeout_max (2s) is below "
                   "request_timeout_min (5s)"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("test.toml:8:21:"), std::string::npos) << e;
  EXPECT_NE(e.find("test.toml:13:14: endpoints #1 of [[meter]] \"m\": \"10.0.0.1:3333\" is the meter's own host and port"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("endpoints #2 of [[meter]] \"m\": bad host:port \"nohost\""), std::string::npos) << e;
  EXPECT_NE(e.find("endpoints #3 of [[meter]] \"m\": expected \"host:port\", got an integer"), std::string::npos) << e;
  EXPECT_NE(e.find("endpoints #4 of [[meter]] \"m\": port 0 is not a meter port"), std::string::npos) << e;
  EXPECT_EQ(e.find("endpoints #5"), std::string::npos) << e;
  EXPECT_NE(e.find("endpoints #6 of [[meter]] \"m\": \"10.0.0.9:1\" is listed twice"), std::string::npos) << e;
}

TEST(BreadthKeysTest, endpoints_must_be_a_list) {
  const std::string e = errors_of("[[meter]]\nid = \"m\"\nhost = \"h\"\nendpoints = \"10.0.0.2:1\"\n");
  EXPECT_NE(e.find("test.toml:4:13:"), std::string::npos) << e;
}

TEST(BreadthKeysTest, changed_endpoints_are_a_connection_change) {
  auto before = config_test::load_ok("[[meter]]\nid = \"m\"\nhost = \"h\"\n");
  auto after = config_test::load_ok("[[meter]]\nid = \"m\"\nhost = \"h\"\nendpoints = [\"h2:3333\"]\n");
  auto d = bridge::config::diff_meters(before, after);
  ASSERT_EQ(d.connection_changed.size(), 1u);
  // Clock and timeout keys apply in place (settings, not a new association).
  auto tuned = config_test::load_ok("[[meter]]\nid = \"m\"\nhost = \"h\"\nclock = \"sync\"\nrequest_timeout = \"auto\"\n");
  auto d2 = bridge::config::diff_meters(before, tuned);
  EXPECT_TRUE(d2.connection_changed.empty());
  EXPECT_EQ(d2.settings_changed.size(), 1u);
}

}  // namespace
