// End-to-end through the real binary: a fleet that needs more file descriptors than RLIMIT_NOFILE
// allows is refused at start-up and on reload, with the numbers and what to change. Before, such
// a bridge started anyway; at 30,000 meters under a 20,000 limit its connects failed with EMFILE
// and the HTTP server could not accept a scrape or a health probe for minutes.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <string>

#include "bridge_stack.h"
#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using e2e::BridgeStack;
using e2e::StackOptions;
using nlohmann::json;
using testing_support::bin;
using testing_support::wait_until;

// 3 meters + 16 HTTP connections + the fixed reserve of 64: 83 descriptors.
StackOptions small_http(int open_files_limit) {
  StackOptions o;
  o.meters = 6;
  o.extra_http = "max_connections = 16\n";
  o.open_files_limit = open_files_limit;
  return o;
}

bool has_event(const BridgeStack& s, const std::string& needle) {
  const auto events = json::parse(s.get("/api/v1/events?category=config").body);
  for (const auto& e : events) {
    if (e["message"].get<std::string>().find(needle) != std::string::npos) return true;
  }
  return false;
}

std::size_t meter_count(const BridgeStack& s) { return json::parse(s.get("/api/v1/meters").body).size(); }

TEST(FdBudget, a_fleet_over_the_open_files_limit_does_not_start_and_says_what_to_change) {
  BridgeStack s(small_http(82));
  s.write_config({1, 2, 3});
  s.start_bridge();
  ASSERT_EQ(s.bridge().wait(20s), 1) << s.logs();
  const auto log = s.bridge().log();
  EXPECT_NE(log.find("3 meters need up to 83 open files (3 meter sockets, 16 HTTP connections"), std::string::npos)
      << log;
  EXPECT_NE(log.find("but the limit is 82"), std::string::npos) << log;
  EXPECT_NE(log.find("LimitNOFILE="), std::string::npos) << log;
}

TEST(FdBudget, a_reload_over_the_limit_is_refused_and_the_fleet_keeps_polling) {
  BridgeStack s(small_http(85));
  s.write_config({1, 2, 3});
  s.start_bridge();
  ASSERT_TRUE(s.wait_ready()) << s.logs();
  ASSERT_EQ(meter_count(s), 3u);
  // 5 meters: 85 descriptors, exactly the limit.
  s.write_config({1, 2, 3, 4, 5});
  auto r = s.post("/-/reload");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(wait_until([&] { return meter_count(s) == 5; }, 10s));
  // 6 meters: one over.
  s.write_config({1, 2, 3, 4, 5, 6});
  r = s.post("/-/reload");
  ASSERT_EQ(r.status, 409) << r.body;
  const std::string error = json::parse(r.body)["error"];
  EXPECT_NE(error.find("6 meters need up to 86 open files"), std::string::npos) << error;
  EXPECT_NE(error.find("the limit is 85"), std::string::npos) << error;
  // Events go through the store writer thread: they land shortly after the answer.
  EXPECT_TRUE(wait_until([&] { return has_event(s, "reload refused: not enough file descriptors"); }, 10s));
  // SIGHUP follows the same rule.
  s.bridge().signal(SIGHUP);
  EXPECT_TRUE(wait_until([&] { return s.bridge().log().find("reload refused") != std::string::npos; }, 10s));
  EXPECT_EQ(meter_count(s), 5u);
  const auto polls = s.metric("dlms_bridge_meter_polls_total{meter=\"m5\"}").value_or(0);
  EXPECT_TRUE(
      wait_until([&] { return s.metric("dlms_bridge_meter_polls_total{meter=\"m5\"}").value_or(0) > polls; }, 10s));
  EXPECT_EQ(s.get("/-/healthy").status, 200);
}

TEST(FdBudget, check_config_warns_when_this_shells_limit_is_too_low_but_the_file_is_valid) {
  BridgeStack s(small_http(0));
  s.write_config({1, 2, 3});
  const auto r = testing_support::run(
      {"prlimit", "--nofile=80:80", "--", bin("dlms-bridge"), "check-config", s.config_path().string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ok: 3 meters"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find(s.config_path().string() + ": warning: with this shell's open files limit, 3 meters need up "
                       "to 83 open files"),
            std::string::npos)
      << r.err;
  const auto fits = testing_support::run(
      {"prlimit", "--nofile=83:83", "--", bin("dlms-bridge"), "check-config", s.config_path().string()});
  EXPECT_EQ(fits.exit_code, 0) << fits.err;
  EXPECT_EQ(fits.err, "");
}

}  // namespace
