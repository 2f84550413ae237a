// GET /api/v1/events against the running bridge: each filter (severity, category, since, limit)
// selects exactly its rows, and every malformed value is a 400 with a JSON error.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "bridge_stack.h"
#include "stack_test.h"
#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using e2e::BridgeStack;
using e2e::StackOptions;
using nlohmann::json;
using testing_support::run;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class EventsApi : public e2e::StackTest {
 protected:
  void SetUp() override {
    StackOptions o;
    o.meters = 1;
    o.mqtt = false;
    start(o);
    if (HasFatalFailure()) return;
    // Rows of a category of our own, written next to the running bridge (SQLite WAL).
    const std::int64_t now = now_ms();
    std::string sql = "INSERT INTO events (ts_ms, severity, category, message) VALUES ";
    sql += "(" + std::to_string(now - 3 * 3600 * 1000) + ", 'critical', 'filter-test', 'old critical'),";
    sql += "(" + std::to_string(now - 60 * 1000) + ", 'info', 'filter-test', 'recent info'),";
    sql += "(" + std::to_string(now - 50 * 1000) + ", 'warning', 'filter-test', 'recent warning'),";
    sql += "(" + std::to_string(now - 40 * 1000) + ", 'error', 'other-test', 'recent error');";
    auto r = run({"sqlite3", "-cmd", ".timeout 5000", (stack_->dir() / "state" / "bridge.db").string(), sql});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Messages of the rows GET /api/v1/events?<query> returns, in order.
  std::vector<std::string> messages(const std::string& query) {
    auto r = stack_->get("/api/v1/events?" + query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    std::vector<std::string> out;
    auto j = json::parse(r.body, nullptr, false);
    if (!j.is_array()) {
      ADD_FAILURE() << query << ": " << r.body;
      return out;
    }
    for (const auto& e : j) out.push_back(e.value("message", ""));
    return out;
  }
};

using Messages = std::vector<std::string>;

TEST_F(EventsApi, each_filter_selects_exactly_its_rows) {
  EXPECT_EQ(messages("category=filter-test"), (Messages{"recent warning", "recent info", "old critical"}));
  EXPECT_EQ(messages("category=other-test"), (Messages{"recent error"}));
  // severity is a minimum.
  EXPECT_EQ(messages("category=filter-test&severity=warning"), (Messages{"recent warning", "old critical"}));
  EXPECT_EQ(messages("category=filter-test&severity=critical"), (Messages{"old critical"}));
  EXPECT_EQ(messages("category=filter-test&since=1h"), (Messages{"recent warning", "recent info"}));
  EXPECT_EQ(messages("category=filter-test&limit=2"), (Messages{"recent warning", "recent info"}));
  EXPECT_EQ(messages("category=filter-test&since=1h&severity=warning&limit=5"), (Messages{"recent warning"}));
}

TEST_F(EventsApi, malformed_filters_are_400_with_a_json_error) {
  for (const char* query : {"severity=loud", "limit=0", "limit=abc", "limit=10001", "limit=5x", "since=yesterday"}) {
    auto r = stack_->get(std::string("/api/v1/events?") + query);
    EXPECT_EQ(r.status, 400) << query << ": " << r.body;
    auto j = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << query << ": " << r.body;
    ASSERT_TRUE(j.contains("error")) << query << ": " << r.body;
    EXPECT_FALSE(j["error"].get<std::string>().empty()) << query;
  }
}

}  // namespace
