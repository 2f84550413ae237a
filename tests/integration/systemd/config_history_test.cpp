// The config history: every applied config (start-up, SIGHUP, POST /-/reload) is a version in
// the store with its file hash, time, trigger and who asked; GET /api/v1/config/versions and
// `ctl config-history` list them.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>

#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing_support::bin;
using testing_support::Child;
using testing_support::run;
using testing_support::TempDir;
using testing_support::write_file;

constexpr const char* kToken = "history-token-4711";

class ConfigHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = testing_support::free_port();
    write_config("5s");
    start();
  }

  std::string config_path() const { return (dir_ / "bridge.toml").string(); }
  void write_config(const std::string& poll_interval) {
    write_file(config_path(), "[bridge]\ninstance = \"history\"\nallow_no_meters = true\nstate_dir = \"" + (dir_ / "state").string() +
                                  "\"\n[http]\nlisten = \"127.0.0.1:" + std::to_string(port_) + "\"\ntoken = \"" +
                                  kToken + "\"\n[mqtt]\nenabled = false\n[store]\npath = \"" +
                                  (dir_ / "state/bridge.db").string() + "\"\n[qos]\npoll_interval = \"" +
                                  poll_interval + "\"\n");
  }
  void start() {
    bridge_ = Child({bin("dlms-bridge"), "run", "--config", config_path()}, dir_ / "bridge.log");
    ASSERT_TRUE(testing_support::wait_until(
        [&] { return testing_support::http("GET", port_, "/-/ready").status == 200; }, 20s))
        << bridge_.log();
  }
  json versions() {
    auto r = testing_support::http("GET", port_, "/api/v1/config/versions");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
  }
  bool wait_for_versions(std::size_t n) {
    return testing_support::wait_until([&] { return versions().size() == n; }, 10s);
  }
  std::string file_sha256() {
    auto r = run({"sha256sum", config_path()});
    return r.out.substr(0, 64);
  }
  testing_support::HttpResponse reload(const std::string& auth) {
    return testing_support::http("POST", port_, "/-/reload", "", {{"Authorization", auth}});
  }

  TempDir dir_;
  int port_ = 0;
  Child bridge_;
};

TEST_F(ConfigHistoryTest, startup_sighup_and_api_reloads_are_versions_with_hash_trigger_and_actor) {
  ASSERT_TRUE(wait_for_versions(1)) << versions().dump() << bridge_.log();
  auto v = versions();
  EXPECT_EQ(v[0]["trigger"], "startup");
  EXPECT_EQ(v[0]["sha256"], file_sha256());
  EXPECT_EQ(v[0]["source"], config_path());
  EXPECT_EQ(v[0]["meters"], 0);
  EXPECT_EQ(v[0]["changed"], true);
  const std::string first_hash = v[0]["sha256"];

  write_config("7s");
  ASSERT_EQ(bridge_.signal(SIGHUP), 0);
  ASSERT_TRUE(wait_for_versions(2)) << bridge_.log();
  v = versions();
  EXPECT_EQ(v[0]["trigger"], "sighup");
  EXPECT_EQ(v[0]["sha256"], file_sha256());
  EXPECT_NE(v[0]["sha256"], first_hash);
  EXPECT_EQ(v[0]["changed"], true);
  EXPECT_GE(v[0]["ts"].get<std::int64_t>(), v[1]["ts"].get<std::int64_t>());

  auto r = reload(std::string("Bearer ") + kToken);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(wait_for_versions(3)) << bridge_.log();
  v = versions();
  EXPECT_EQ(v[0]["trigger"], "api");
  EXPECT_EQ(v[0]["actor"], "bearer token");
  EXPECT_EQ(v[0]["changed"], false) << "same file as the version before";

  // A rejected config is not a version: the running one stays in force.
  write_file(config_path(), "[qos]\npoll_interval = \"soon\"\n");
  r = reload(std::string("Bearer ") + kToken);
  EXPECT_EQ(r.status, 500) << r.body;
  EXPECT_EQ(versions().size(), 3u);
}

TEST_F(ConfigHistoryTest, one_version_has_the_redacted_effective_config_and_bad_ids_are_4xx) {
  ASSERT_TRUE(wait_for_versions(1)) << bridge_.log();
  const auto id = versions()[0]["id"].get<std::int64_t>();
  auto r = testing_support::http("GET", port_, "/api/v1/config/versions/" + std::to_string(id));
  ASSERT_EQ(r.status, 200) << r.body;
  auto one = json::parse(r.body);
  EXPECT_EQ(one["config"]["qos"]["poll_interval"], "5s") << one.dump();
  EXPECT_EQ(r.body.find(kToken), std::string::npos) << "the token leaked into the history";

  EXPECT_EQ(testing_support::http("GET", port_, "/api/v1/config/versions/999").status, 404);
  for (const char* bad : {"/api/v1/config/versions/abc", "/api/v1/config/versions/-1",
                          "/api/v1/config/versions?limit=0", "/api/v1/config/versions?limit=x"}) {
    auto e = testing_support::http("GET", port_, bad);
    EXPECT_EQ(e.status, 400) << bad;
    EXPECT_TRUE(json::parse(e.body, nullptr, false).contains("error")) << bad << ": " << e.body;
  }
}

TEST_F(ConfigHistoryTest, ctl_config_history_prints_a_table_or_json_and_a_restart_adds_a_startup_version) {
  ASSERT_TRUE(wait_for_versions(1)) << bridge_.log();
  write_config("9s");
  ASSERT_EQ(reload(std::string("Bearer ") + kToken).status, 200);
  ASSERT_TRUE(wait_for_versions(2));
  ASSERT_EQ(bridge_.stop(SIGTERM), 0) << bridge_.log();
  start();
  ASSERT_TRUE(wait_for_versions(3)) << bridge_.log();

  const std::string url = "http://127.0.0.1:" + std::to_string(port_);
  auto table = run({bin("dlms-bridge"), "ctl", "--url", url, "config-history"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("TRIGGER"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("bearer token"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(file_sha256().substr(0, 12)), std::string::npos) << table.out;

  auto as_json = run({bin("dlms-bridge"), "ctl", "--url", url, "config-history", "--json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  auto list = json::parse(as_json.out, nullptr, false);
  ASSERT_TRUE(list.is_array()) << as_json.out;
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0]["trigger"], "startup");
  EXPECT_EQ(list[0]["changed"], false) << "restarted with the same file";
  EXPECT_EQ(list[1]["trigger"], "api");
  EXPECT_EQ(list[2]["trigger"], "startup");
}

}  // namespace
