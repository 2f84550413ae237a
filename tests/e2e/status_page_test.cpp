// The status page in headless chromium (driven over the DevTools pipe: real clicks on the real
// page), `ctl top` in a pseudo-terminal, and ctl's parity with the page, against a fleet of a
// healthy (m1), a flapping (m2) and a dead (m3) simulated meter.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <regex>
#include <set>
#include <nlohmann/json.hpp>

#include "bridge_stack.h"
#include "stack_test.h"
#include "cdp_browser.h"
#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using e2e::BridgeStack;
using e2e::Browser;
using e2e::StackOptions;
using nlohmann::json;
using testing_support::bin;
using testing_support::run;
using testing_support::wait_until;

constexpr const char* kToken = "s3cret-token";

StackOptions fleet_options() {
  StackOptions o;
  o.mqtt = false;
  o.sim_scenario =
      "[[meter]]\nid = 2\ndisconnect = 0.04\ncorrupt_fcs = 0.05\ngarbage = 0.1\n"
      "[[meter]]\nid = 3\nsilent = true\n";
  // A short window so that a test-long history already draws sparklines; the token makes the
  // buttons go through the page's token prompt.
  o.extra_http = "status_window = \"1m\"\ntoken = \"" + std::string(kToken) + "\"\n";
  return o;
}

bool has_chromium() { return run({"sh", "-c", "command -v chromium"}).exit_code == 0; }

class StatusPage : public e2e::StackTest {
 protected:
  void start(StackOptions options) {
    StackTest::start(std::move(options));
    if (HasFatalFailure()) return;
    url_ = "http://127.0.0.1:" + std::to_string(stack_->http_port());
  }
  void TearDown() override {
    StackTest::TearDown();
    if (HasFailure() && browser_) std::cerr << "==== chromium\n" << browser_->log();
  }
  json meter(const std::string& id) { return json::parse(stack_->get("/api/v1/meters/" + id).body, nullptr, false); }
  bool page(const std::string& expression, std::chrono::milliseconds timeout = 20s) {
    return browser_->wait_for(expression, timeout);
  }
  std::string text(const std::string& selector) {
    auto v = browser_->evaluate("(document.querySelector('" + selector + "') || {}).textContent || ''");
    return v.is_string() ? v.get<std::string>() : v.dump();
  }
  testing_support::RunResult ctl(std::vector<std::string> args) {
    std::vector<std::string> argv = {bin("dlms-bridge"), "ctl", "--url", url_, "--token", kToken};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, 60s);
  }

  std::unique_ptr<Browser> browser_;
  testing_support::TempDir profile_;
  std::string url_;
};

TEST_F(StatusPage, shows_the_fleet_and_pause_resume_test_work_from_the_page) {
  if (!has_chromium()) GTEST_SKIP() << "chromium not installed";
  start(fleet_options());
  auto& s = *stack_;
  ASSERT_TRUE(wait_until([&] { return meter("m1").value("health", "") == "up" && meter("m3").value("health", "") == "down"; }, 30s));
  ASSERT_TRUE(wait_until([&] { return !meter("m2")["badges"].empty(); }, 30s)) << meter("m2").dump(2);

  browser_ = std::make_unique<Browser>(profile_.path(), s.dir() / "chromium.log");
  ASSERT_TRUE(browser_->ok()) << browser_->log();
  ASSERT_TRUE(browser_->navigate(url_ + "/"));

  // Rows, last values with units, sparklines, badges, the summary bar.
  EXPECT_TRUE(page("document.querySelectorAll('#rows tr[id^=\"meter-\"]').length === 3"));
  EXPECT_TRUE(page("[...document.querySelectorAll('#meter-m1 .val')].some(v => / V$/.test(v.textContent))"))
      << text("#meter-m1");
  EXPECT_TRUE(page("document.querySelector('#meter-m1 svg.spark.latency path.line')"));
  EXPECT_TRUE(page("document.querySelectorAll('#meter-m1 svg.spark.success rect').length > 0"));
  EXPECT_TRUE(page("document.querySelectorAll('#meter-m2 .badge').length > 0")) << text("#meter-m2");
  EXPECT_TRUE(page("document.querySelectorAll('.summary .tile').length === 5"));
  EXPECT_TRUE(page("document.querySelector('#fig-success_ratio').className.includes('lvl-')"));
  // The dead meter says since when it is down, never "connecting 0/0".
  EXPECT_TRUE(page("document.querySelector('#meter-m3').dataset.health === 'down'"));
  const std::string dead = text("#meter-m3");
  EXPECT_NE(dead.find("for "), std::string::npos) << dead;
  EXPECT_NE(dead.find("never read"), std::string::npos) << dead;
  EXPECT_NE(dead.find("physical 3"), std::string::npos) << dead;
  EXPECT_EQ(dead.find("0 / 0"), std::string::npos) << dead;
  // Its diagnosis is a headline with the actions one click away.
  EXPECT_TRUE(page("document.querySelector('#diag-m3 summary').textContent.length > 5"));
  EXPECT_TRUE(page("document.querySelectorAll('#diag-m3 ol li').length >= 2"));

  // A fleet with a healthy, a flapping and a dead meter, kept as a test artifact.
  // Enough history (1 s buckets) for the sparklines to show a shape.
  ASSERT_TRUE(wait_until([&] { return meter("m1")["trend"].value("covered_ms", 0) >= 20'000; }, 40s));
  browser_->wait_for("false", 2500ms);  // the page's next refresh
  ASSERT_TRUE(page("document.querySelector('#meter-m1 svg.spark.latency path.line')"));
  const std::string png = browser_->screenshot();
  ASSERT_GT(png.size(), 10'000u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  std::filesystem::create_directories(DLMS_BRIDGE_ARTIFACT_DIR);
  std::ofstream(std::string(DLMS_BRIDGE_ARTIFACT_DIR) + "/status-page-fleet.png", std::ios::binary) << png;

  // Every time on the page is UTC, the refresh stamp included.
  EXPECT_TRUE(page("/^updated \\d\\d:\\d\\d:\\d\\d UTC$/.test(document.getElementById('conn').textContent)"))
      << text("#conn");
  EXPECT_NE(dead.find(" UTC), never read"), std::string::npos) << dead;

  // From here on the page must update itself: a full reload would lose this marker.
  browser_->evaluate("window.__noReload = 42");

  // Pause: the bridge wants its token; the page asks for it once and retries.
  browser_->evaluate("document.querySelector('#meter-m1 button[data-action=\"pause\"]').click()");
  ASSERT_TRUE(page("document.getElementById('token')")) << text("#results");
  browser_->evaluate("document.getElementById('token').value = '" + std::string(kToken) +
                     "'; document.querySelector('#auth form').requestSubmit()");
  EXPECT_TRUE(wait_until([&] { return meter("m1").value("paused", false); }, 15s)) << text("#results");
  EXPECT_TRUE(page("document.querySelector('#meter-m1').dataset.health === 'paused'"));
  EXPECT_TRUE(page("document.querySelector('#meter-m1 button[data-action=\"resume\"]')"));

  browser_->evaluate("document.querySelector('#meter-m1 button[data-action=\"resume\"]').click()");
  EXPECT_TRUE(wait_until([&] { return !meter("m1").value("paused", true); }, 15s)) << text("#results");

  // The resume's own answer first (the API may say "resumed" before the page has read it).
  EXPECT_TRUE(page("(document.getElementById('result-m1') || {}).textContent === 'm1: resume done'")) << text("#results");
  browser_->evaluate("document.querySelector('#meter-m1 button[data-action=\"test\"]').click()");
  EXPECT_TRUE(page("(document.getElementById('result-m1') || {}).className === 'result ok' && "
                   "document.getElementById('result-m1').textContent.startsWith('test m1: ')",
                   30s))
      << text("#results");
  const std::string result = text("#result-m1");
  EXPECT_NE(result.find("test m1: ok"), std::string::npos) << result;
  EXPECT_NE(result.find(" V"), std::string::npos) << result;

  // The meter goes down (simulator control API): the page shows it by itself, no reload.
  s.sim("POST", "/api/v1/meters/1/faults", R"({"silent": true})");
  EXPECT_TRUE(page("document.querySelector('#meter-m1').dataset.health === 'down'", 40s)) << text("#meter-m1");
  EXPECT_EQ(browser_->evaluate("window.__noReload"), json(42));
  EXPECT_NE(text("#meter-m1").find("for "), std::string::npos) << text("#meter-m1");
}

TEST_F(StatusPage, filters_apply_without_a_reload_and_the_detail_view_has_everything) {
  if (!has_chromium()) GTEST_SKIP() << "chromium not installed";
  start(fleet_options());
  ASSERT_TRUE(wait_until([&] { return meter("m1").value("health", "") == "up" && meter("m3").value("health", "") == "down"; }, 30s));
  browser_ = std::make_unique<Browser>(profile_.path(), stack_->dir() / "chromium.log");
  ASSERT_TRUE(browser_->ok()) << browser_->log();
  ASSERT_TRUE(browser_->navigate(url_ + "/"));
  browser_->evaluate("window.__noReload = 1");
  // (Blocks: a top-level const would stay declared across evaluate() calls.)
  browser_->evaluate("{ const f = document.querySelector('#filters input[name=problems]'); f.checked = true; "
                     "f.dispatchEvent(new Event('change', {bubbles: true})); }");
  EXPECT_TRUE(page("!document.querySelector('#meter-m1') && document.querySelector('#meter-m3')"));
  browser_->evaluate("{ const f = document.querySelector('#filters input[name=problems]'); f.checked = false; "
                     "const q = document.querySelector('#filters input[name=q]'); q.value = 'm3'; "
                     "q.dispatchEvent(new Event('input', {bubbles: true})); }");
  EXPECT_TRUE(page("!document.querySelector('#meter-m2') && document.querySelector('#meter-m3')"));
  browser_->evaluate("{ const q = document.querySelector('#filters input[name=q]'); q.value = ''; "
                     "const st = document.querySelector('#filters select[name=state]'); st.value = 'up'; "
                     "st.dispatchEvent(new Event('change', {bubbles: true})); }");
  EXPECT_TRUE(page("document.querySelector('#meter-m1') && !document.querySelector('#meter-m3')"));
  EXPECT_EQ(browser_->evaluate("window.__noReload"), json(1));

  ASSERT_TRUE(browser_->navigate(url_ + "/meters/m3"));
  const std::string detail = text("#detail");
  for (const char* expected : {"client SAP 1 → server logical 0, physical 3", "recent events", "diagnostic capture",
                               "config (secrets masked)", "down for", "what to do", "<secret>"}) {
    EXPECT_NE(detail.find(expected), std::string::npos) << expected << "\n" << detail;
  }
  EXPECT_EQ(detail.find("22222222"), std::string::npos) << "the password leaked into the page";
  EXPECT_TRUE(page("document.querySelector('#detail svg.spark.success.big')"));
}

TEST_F(StatusPage, ctl_top_in_a_pseudo_terminal_shows_the_fleet_and_refreshes) {
  if (run({"sh", "-c", "command -v script"}).exit_code != 0) GTEST_SKIP() << "script (util-linux) not installed";
  start(fleet_options());
  ASSERT_TRUE(wait_until([&] { return meter("m1").value("health", "") == "up"; }, 30s));
  // `script` gives ctl a pseudo-terminal: colours, clear-screen redraws, the terminal width.
  const std::string command = bin("dlms-bridge") + " ctl --url " + url_ + " top --interval 0.5 --count 8";
  testing_support::Child top({"script", "-qfec", command, "/dev/null"}, stack_->dir() / "top.log");
  ASSERT_TRUE(wait_until([&] { return top.log().find("m3") != std::string::npos; }, 15s)) << top.log();
  // While it runs, pause m1: a later frame must show it.
  ASSERT_EQ(testing_support::http("POST", stack_->http_port(), "/api/v1/meters/m1/pause", "",
                                  {{"Authorization", std::string("Bearer ") + kToken}})
                .status,
            200);
  EXPECT_EQ(top.wait(30s), 0) << top.log();
  const std::string out = top.log();
  std::size_t frames = 0;
  for (auto pos = out.find("\x1b[2J"); pos != std::string::npos; pos = out.find("\x1b[2J", pos + 1)) ++frames;
  EXPECT_EQ(frames, 8u) << out;
  EXPECT_NE(out.find("\x1b[?1049h"), std::string::npos);  // alternate screen, like top
  for (const char* expected : {"m1", "m2", "m3", "success", "p95 latency", "HEALTH"}) {
    EXPECT_NE(out.find(expected), std::string::npos) << expected << "\n" << out;
  }
  const auto first_frame_end = out.find("\x1b[2J", out.find("\x1b[2J") + 1);
  EXPECT_NE(out.find("paused", first_frame_end), std::string::npos) << out;
}

TEST_F(StatusPage, ctl_shows_what_the_page_shows_and_speaks_json_everywhere) {
  start(fleet_options());
  ASSERT_TRUE(wait_until([&] { return meter("m1").value("health", "") == "up" && meter("m3").value("health", "") == "down"; }, 30s));

  auto list = ctl({"list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("down"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("for "), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("Silent after connect"), std::string::npos) << list.out;
  // Problems first, as on the page: the dead m3 above the healthy m1.
  EXPECT_LT(list.out.find("\nm3 "), list.out.find("\nm1 ")) << list.out;

  // The page's filters.
  auto problems = ctl({"list", "--problems"});
  EXPECT_NE(problems.out.find("m3"), std::string::npos) << problems.out;
  EXPECT_EQ(problems.out.find("m1 "), std::string::npos) << problems.out;
  auto down = json::parse(ctl({"list", "--state", "down", "--json"}).out, nullptr, false);
  ASSERT_TRUE(down.is_array());
  std::set<std::string> down_ids;
  for (const auto& m : down) {
    EXPECT_EQ(m["health"], "down") << m.dump();
    down_ids.insert(m["id"].get<std::string>());
  }
  EXPECT_TRUE(down_ids.count("m3"));
  EXPECT_FALSE(down_ids.count("m1"));  // the flapping m2 may be down at this moment too
  EXPECT_EQ(ctl({"list", "--state", "sideways"}).exit_code, 2);

  auto status = ctl({"status", "m3"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  for (const char* expected : {"address:       client SAP 1 → server logical 0, physical 3", "down for",
                               "diagnosis:", "config (secrets masked)", "recent events:", "  latency", "  success"}) {
    EXPECT_NE(status.out.find(expected), std::string::npos) << expected << "\n" << status.out;
  }
  EXPECT_EQ(status.out.find("22222222"), std::string::npos);
  // The meter's clock, as on its page (m1 answers, so its clock has been checked).
  auto healthy = ctl({"status", "m1"});
  EXPECT_TRUE(std::regex_search(healthy.out, std::regex(R"(\nclock: +\d+\.\d s (ahead|behind) \(checked \d\d:\d\d:\d\d UTC\)\n)")))
      << healthy.out;

  ASSERT_EQ(ctl({"pause", "m2"}).exit_code, 0);
  // Once the session has released the meter, its state says only "paused", once.
  ASSERT_TRUE(wait_until([&] { return meter("m2").value("state", "") == "paused"; }, 15s)) << meter("m2").dump(2);
  auto paused = ctl({"status", "m2"});
  EXPECT_NE(paused.out.find("\nstate:         paused\n"), std::string::npos) << paused.out;

  auto summary = ctl({"summary"});
  EXPECT_EQ(summary.exit_code, 0) << summary.err;
  EXPECT_NE(summary.out.find("target >= 98 %"), std::string::npos) << summary.out;

  // One meaning per exit code: 3 = degraded (a dead meter), never 2 (usage error).
  auto health = ctl({"health"});
  EXPECT_EQ(health.exit_code, 3) << health.out << health.err;
  EXPECT_EQ(ctl({"health", "--bogus"}).exit_code, 2);

  auto plan = ctl({"action-plan"});
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("   -> "), std::string::npos) << plan.out;

  // --json on every command, before or after the subcommand.
  for (std::vector<std::string> args : {std::vector<std::string>{"list", "--json"}, {"--json", "summary"},
                                        {"status", "m3", "--json"}, {"events", "--json"}, {"health", "--json"},
                                        {"action-plan", "--json"}, {"resume", "m2", "--json"},
                                        {"top", "--count", "1", "--json"}, {"follow", "m1", "--count", "1", "--json"}}) {
    auto r = ctl(args);
    EXPECT_TRUE(r.exit_code == 0 || (args[0] == "health" && r.exit_code == 3)) << args[0] << ": " << r.err;
    EXPECT_FALSE(json::parse(r.out, nullptr, false).is_discarded()) << args[0] << ":\n" << r.out;
  }
  // `run --log-level debug` (the stack's setting) shows each session's steps and its frames,
  // with the LLS password ("22222222" = 32 ... 32) masked.
  const std::string log = testing_support::read_file(stack_->dir() / "bridge.log");
  EXPECT_NE(log.find("msg=\"session: connect\" meter=m3"), std::string::npos);
  EXPECT_NE(log.find("msg=\"session: read\" meter=m1"), std::string::npos);
  EXPECT_NE(log.find("msg=\"session: read\" meter=m1 register=voltage_l1"), std::string::npos);
  // Units as `read` prints them, not the DLMS code (35).
  EXPECT_TRUE(std::regex_search(log, std::regex(R"(msg="session: read" meter=m1 register=voltage_l1 value=\S+ unit=V\n)")));
  EXPECT_NE(log.find("msg=frame meter=m1 dir=tx"), std::string::npos);
  EXPECT_EQ(log.find("32 32 32 32 32 32 32 32"), std::string::npos) << "password in the log";
  auto events = ctl({"events", "--meter", "m3"});
  EXPECT_EQ(events.out.find("repeats"), std::string::npos) << events.out;
  EXPECT_EQ(events.out.find("suppressed"), std::string::npos) << events.out;
}

}  // namespace
