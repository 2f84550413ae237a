// End-to-end through the real binary: an empty or truncated config never wipes the fleet, a
// reload that would stop more than half of the meters needs a confirmation or an override, a
// bridge without meters says so in its health, and a fleet over the open files limit is refused.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <string>

#include "bridge_stack.h"
#include "stack_test.h"
#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using e2e::BridgeStack;
using e2e::StackOptions;
using nlohmann::json;
using testing_support::bin;
using testing_support::run;
using testing_support::wait_until;

std::size_t meter_count(const BridgeStack& s) { return json::parse(s.get("/api/v1/meters").body).size(); }

// Every meter of `text` with enabled = false (the file still lists them).
std::string all_disabled(std::string text) {
  const std::string key = "password = \"22222222\"\n";
  for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) {
    text.insert(at + key.size(), "enabled = false\n");
  }
  return text;
}

bool has_event(const BridgeStack& s, const std::string& needle) {
  const auto events = json::parse(s.get("/api/v1/events?category=config").body);
  for (const auto& e : events) {
    if (e["message"].get<std::string>().find(needle) != std::string::npos) return true;
  }
  return false;
}

class ReloadSafety : public e2e::StackTest {
 protected:
  void start(StackOptions options = {}) {
    StackTest::start(std::move(options));
    if (HasFatalFailure()) return;
    ASSERT_EQ(meter_count(*stack_), 3u);
  }
};

TEST_F(ReloadSafety, an_empty_config_is_rejected_by_http_and_sighup_reload_and_the_fleet_keeps_polling) {
  start();
  auto& s = *stack_;
  testing_support::write_file(s.config_path(), "");  // : > dlms-bridge.toml
  auto r = s.post("/-/reload");
  EXPECT_EQ(r.status, 500) << r.body;
  const std::string error = json::parse(r.body)["error"];
  EXPECT_NE(error.find(s.config_path().string() + ":1:1: no [[meter]] entries"), std::string::npos) << error;
  EXPECT_NE(error.find("allow_no_meters"), std::string::npos) << error;
  s.bridge().signal(SIGHUP);
  EXPECT_TRUE(wait_until([&] { return has_event(s, "reload rejected"); }, 10s));
  EXPECT_EQ(meter_count(s), 3u);
  const auto polls = s.metric("dlms_bridge_meter_polls_total{meter=\"m3\"}").value_or(0);
  EXPECT_TRUE(wait_until([&] { return s.metric("dlms_bridge_meter_polls_total{meter=\"m3\"}").value_or(0) > polls; }, 10s));
  EXPECT_EQ(s.get("/api/v1/health").status, 200);
  EXPECT_EQ(s.get("/-/ready").status, 200);
}

TEST_F(ReloadSafety, a_truncated_config_never_removes_meters_silently) {
  start();
  auto& s = *stack_;
  const std::string full = s.config_text({1, 2, 3});
  // Cut inside a key of the second meter: not TOML any more.
  const auto second = full.find("[[meter]]", full.find("[[meter]]") + 1);
  testing_support::write_file(s.config_path(), full.substr(0, second + 16));
  auto r = s.post("/-/reload");
  EXPECT_EQ(r.status, 500) << r.body;
  // Cut right after the first meter: valid TOML that would stop 2 of 3 meters.
  testing_support::write_file(s.config_path(), full.substr(0, second));
  r = s.post("/-/reload");
  ASSERT_EQ(r.status, 409) << r.body;
  const auto body = json::parse(r.body);
  EXPECT_EQ(body["running"], 3);
  EXPECT_EQ(body["removing"], 2);
  EXPECT_EQ(body["meters"], json::array({"m2", "m3"}));
  EXPECT_NE(body["error"].get<std::string>().find("?confirm=remove-meters"), std::string::npos) << r.body;
  // SIGHUP follows the same rule: refused, logged, recorded.
  s.bridge().signal(SIGHUP);
  EXPECT_TRUE(wait_until([&] { return has_event(s, "reload refused"); }, 10s));
  EXPECT_EQ(meter_count(s), 3u);
  EXPECT_TRUE(s.metric("dlms_bridge_meter_up{meter=\"m3\"}").has_value());
  // An unknown confirmation word is a bad request, not a yes.
  EXPECT_EQ(s.post("/-/reload?confirm=yes").status, 400);
  EXPECT_EQ(meter_count(s), 3u);
}

TEST_F(ReloadSafety, removing_more_than_half_needs_the_confirmation_or_the_override) {
  start();
  auto& s = *stack_;
  s.write_config({1});
  ASSERT_EQ(s.post("/-/reload").status, 409);
  auto r = s.post("/-/reload?confirm=remove-meters");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(wait_until([&] { return meter_count(s) == 1; }, 10s));
  // Half is not more than half: 2 -> 1 needs no confirmation.
  s.write_config({1, 2});
  ASSERT_EQ(s.post("/-/reload").status, 200);
  EXPECT_TRUE(wait_until([&] { return meter_count(s) == 2; }, 10s));
  s.write_config({1});
  EXPECT_EQ(s.post("/-/reload").status, 200);
  EXPECT_TRUE(wait_until([&] { return meter_count(s) == 1; }, 10s));
  // The override in the file: 3 meters back, then 2 of them removed without a confirmation.
  s.write_config({1, 2, 3});
  ASSERT_EQ(s.post("/-/reload").status, 200);
  EXPECT_TRUE(wait_until([&] { return meter_count(s) == 3; }, 10s));
  std::string text = s.config_text({3});
  text.insert(text.find('\n') + 1, "allow_mass_removal = true\n");
  testing_support::write_file(s.config_path(), text);
  EXPECT_EQ(s.post("/-/reload").status, 200);
  EXPECT_TRUE(wait_until([&] { return meter_count(s) == 1; }, 10s));
}

TEST_F(ReloadSafety, health_fails_with_no_meters_unless_the_config_allows_it) {
  start();
  auto& s = *stack_;
  testing_support::write_file(s.config_path(), all_disabled(s.config_text({1, 2, 3})));
  ASSERT_EQ(s.post("/-/reload?confirm=remove-meters").status, 200);
  ASSERT_TRUE(wait_until([&] { return meter_count(s) == 0; }, 10s));
  auto health = s.get("/api/v1/health");
  EXPECT_EQ(health.status, 503) << health.body;
  const auto h = json::parse(health.body);
  EXPECT_EQ(h["status"], "failing");
  bool no_meters = false;
  for (const auto& c : h["checks"]) no_meters = no_meters || (c["name"] == "meters" && c["ok"] == false &&
                                                              c["detail"].get<std::string>().find("no meters") == 0);
  EXPECT_TRUE(no_meters) << health.body;
  // The operator CLI gives failing its own exit code (4), as documented in `ctl --help`.
  const auto ctl_health =
      run({bin("dlms-bridge"), "ctl", "--url", "http://127.0.0.1:" + std::to_string(s.http_port()), "health"});
  EXPECT_EQ(ctl_health.exit_code, 4) << ctl_health.out << ctl_health.err;
  auto ready = s.get("/-/ready");
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("no meters"), std::string::npos) << ready.body;
  // Said so in the config: a bridge without meters is healthy.
  std::string text = all_disabled(s.config_text({1, 2, 3}));
  text.insert(text.find('\n') + 1, "allow_no_meters = true\n");
  testing_support::write_file(s.config_path(), text);
  ASSERT_EQ(s.post("/-/reload").status, 200);
  EXPECT_TRUE(wait_until([&] { return s.get("/api/v1/health").status == 200 && s.get("/-/ready").status == 200; }, 10s))
      << s.get("/api/v1/health").body;
}

TEST(ReloadSafetyStartup, check_config_and_run_refuse_a_config_without_meters) {
  testing_support::TempDir dir;
  const auto empty = (dir / "empty.toml").string();
  testing_support::write_file(empty, "");
  auto r = run({bin("dlms-bridge"), "check-config", empty});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(empty + ":1:1: no [[meter]] entries"), std::string::npos) << r.err;
  r = run({bin("dlms-bridge"), "run", "--config", empty}, 20s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(empty + ":1:1: no [[meter]] entries"), std::string::npos) << r.err;
  const auto allowed = (dir / "allowed.toml").string();
  testing_support::write_file(allowed, "[bridge]\nallow_no_meters = true\n");
  r = run({bin("dlms-bridge"), "check-config", allowed});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// Without MQTT there is no outbox: readings_total counts the readings the poller made, and
// nothing is published.
TEST(ReadingsWithoutMqtt, readings_total_counts_what_the_poller_made) {
  StackOptions o;
  o.mqtt = false;
  o.meters = 1;
  BridgeStack s(o);
  s.start_bridge();
  ASSERT_TRUE(s.wait_ready()) << s.logs();
  EXPECT_TRUE(wait_until([&] { return s.metric("dlms_bridge_meter_readings_total{meter=\"m1\"}").value_or(0) >= 2; }, 20s))
      << s.metrics();
  EXPECT_EQ(s.metric("dlms_bridge_meter_readings_published_total{meter=\"m1\"}").value_or(-1), 0.0);
  EXPECT_EQ(s.metric("dlms_bridge_publish_latency_seconds_count").value_or(-1), 0.0);
}

// A fleet that needs more file descriptors than RLIMIT_NOFILE allows is refused at start-up and on
// reload, with the numbers and what to change. Before, such a bridge started anyway; at 30,000
// meters under a 20,000 limit its connects failed with EMFILE and the HTTP server could not accept
// a scrape or a health probe for minutes.
// 3 meters + 16 HTTP connections + the fixed reserve of 64: 83 descriptors.
StackOptions small_http(int open_files_limit) {
  StackOptions o;
  o.meters = 6;
  o.extra_http = "max_connections = 16\n";
  o.open_files_limit = open_files_limit;
  return o;
}

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
