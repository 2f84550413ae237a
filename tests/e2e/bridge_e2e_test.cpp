// End-to-end: dlms-bridge run against dlms-meter-sim, mosquitto and prometheus on loopback.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "bridge_stack.h"
#include "stack_test.h"
#include "testing/process.h"
#include "testing/prometheus_server.h"

namespace {

using namespace std::chrono_literals;
using e2e::BridgeStack;
using e2e::StackOptions;
using nlohmann::json;
using testing_support::bin;
using testing_support::run;
using testing_support::wait_until;

// dlms_bridge_reading_* samples of one meter in a /metrics body.
int reading_series_of(const std::string& metrics, const std::string& meter) {
  std::istringstream in(metrics);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    n += line.rfind("dlms_bridge_reading_", 0) == 0 && line.find("meter=\"" + meter + "\"") != std::string::npos;
  }
  return n;
}

bool all_meters_up(const BridgeStack& s, int n) {
  for (int k = 1; k <= n; ++k) {
    auto v = s.metric("dlms_bridge_meter_up{meter=\"m" + std::to_string(k) + "\"}");
    if (!v || *v != 1.0) return false;
  }
  return true;
}

using BridgeE2E = e2e::StackTest;

TEST_F(BridgeE2E, readings_reach_mqtt_metrics_and_the_api) {
  start();
  auto& s = *stack_;
  ASSERT_TRUE(wait_until([&] { return all_meters_up(s, 3); }, 20s)) << s.metrics();

  // MQTT: gateway telemetry with the meter as device name, ts in ms, numeric values.
  auto sub = run({"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(s.mqtt_port()), "-t", "v1/gateway/telemetry",
                  "-C", "6", "-W", "20"},
                 30s);
  ASSERT_EQ(sub.exit_code, 0) << sub.err;
  std::set<std::string> devices;
  std::istringstream lines(sub.out);
  std::string line;
  while (std::getline(lines, line)) {
    auto msg = json::parse(line);
    ASSERT_TRUE(msg.is_object()) << line;
    for (const auto& [device, entries] : msg.items()) {
      devices.insert(device);
      ASSERT_TRUE(entries.is_array());
      for (const auto& e : entries) {
        EXPECT_TRUE(e["ts"].is_number_integer());
        EXPECT_GT(e["ts"].get<std::int64_t>(), 1'600'000'000'000);
        for (const char* key : {"voltage_l1", "current_l1", "frequency", "active_power", "active_energy"}) {
          ASSERT_TRUE(e["values"].contains(key)) << line;
          EXPECT_TRUE(e["values"][key].is_number_float()) << key << " in " << line;
        }
        double v = e["values"]["voltage_l1"].get<double>();
        EXPECT_GT(v, 100.0);
        EXPECT_LT(v, 260.0);
      }
    }
  }
  EXPECT_TRUE(devices.count("m1") && devices.count("m2") && devices.count("m3")) << sub.out;

  // /metrics is valid exposition text and carries a reading in volts.
  auto body = s.metrics();
  auto lint = run({"promtool", "check", "metrics"}, 30s, body);
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_NE(body.find("dlms_bridge_reading_volts{meter=\"m1\""), std::string::npos);
  EXPECT_NE(body.find("dlms_bridge_build_info{"), std::string::npos);
  EXPECT_NE(body.find("process_resident_memory_bytes"), std::string::npos);
  ASSERT_TRUE(wait_until([&] { return s.metric("dlms_bridge_meter_readings_published_total{meter=\"m1\"}").value_or(0) > 0; }, 20s));
  EXPECT_EQ(s.metric("dlms_bridge_mqtt_connected").value_or(-1), 1.0);

  // REST API.
  auto meters = json::parse(s.get("/api/v1/meters").body);
  ASSERT_EQ(meters.size(), 3u);
  EXPECT_EQ(meters[0]["id"], "m1");
  EXPECT_TRUE(meters[0]["last_success"].is_number());
  auto health = s.get("/api/v1/health");
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(json::parse(health.body)["status"], "ok") << health.body;
  auto unknown = s.get("/api/v1/meters/nope");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_TRUE(json::parse(unknown.body).contains("error"));
  EXPECT_EQ(s.post("/api/v1/meters/m1/explode").status, 400);
}

TEST_F(BridgeE2E, prometheus_scrapes_the_bridge_and_answers_queries) {
  start();
  auto& s = *stack_;
  testing_support::PrometheusServer prom(testing_support::one_target_config(s.http_port()));
  ASSERT_TRUE(prom.wait_ready(20s)) << prom.log();
  auto has_series = [&](const std::string& q, std::size_t n) {
    auto answer = prom.query(q);
    return answer.ok && answer.result.size() >= n;
  };
  EXPECT_TRUE(wait_until([&] { return has_series("dlms_bridge_meter_up == 1", 3); }, 40s))
      << prom.query("dlms_bridge_meter_up").result.dump();
  EXPECT_TRUE(wait_until([&] { return has_series("rate(dlms_bridge_meter_polls_total[1m]) > 0", 3); }, 40s))
      << prom.query("dlms_bridge_meter_polls_total").result.dump();
  EXPECT_TRUE(wait_until([&] { return has_series("dlms_bridge_reading_volts > 100", 3); }, 40s))
      << prom.query("dlms_bridge_reading_volts").result.dump();
  if (HasFailure()) std::cerr << prom.log();
}

TEST_F(BridgeE2E, injected_fcs_errors_are_counted_exactly) {
  start();
  auto& s = *stack_;
  ASSERT_TRUE(wait_until([&] { return all_meters_up(s, 3); }, 20s)) << s.metrics();
  const std::string series = "dlms_bridge_meter_hdlc_errors_total{meter=\"m2\",kind=\"fcs\"}";
  ASSERT_EQ(s.metric(series).value_or(-1), 0.0);
  // Corrupt a share of meter 2's frames until at least three were injected, then stop.
  s.sim("POST", "/api/v1/meters/2/faults", R"({"corrupt_fcs": 0.3})");
  ASSERT_TRUE(wait_until([&] { return s.sim("GET", "/api/v1/meters/2/counts").value("corrupt_fcs", 0) >= 3; }, 30s));
  s.sim("POST", "/api/v1/meters/2/faults", R"({"corrupt_fcs": 0})");
  const int injected = s.sim("GET", "/api/v1/meters/2/counts").value("corrupt_fcs", 0);
  // The bridge saw every one of them, and recovered: meter 2 delivers readings again.
  EXPECT_TRUE(wait_until([&] { return s.metric(series).value_or(-1) == injected; }, 20s))
      << "injected " << injected << ", counted " << s.metric(series).value_or(-1);
  auto before = s.metric("dlms_bridge_meter_polls_total{meter=\"m2\"}").value_or(0);
  EXPECT_TRUE(wait_until([&] { return s.metric("dlms_bridge_meter_up{meter=\"m2\"}").value_or(0) == 1 &&
                                      s.metric("dlms_bridge_meter_polls_total{meter=\"m2\"}").value_or(0) > before; },
                         20s));
  // Other meters were not disturbed.
  EXPECT_EQ(s.metric("dlms_bridge_meter_hdlc_errors_total{meter=\"m1\",kind=\"fcs\"}").value_or(-1), 0.0);
}

// Bytes between frames (line noise, a modem's banner) are skipped, not errors: every injected
// byte is counted in hdlc_garbage_bytes_total, and the meter keeps being read without failures.
TEST_F(BridgeE2E, injected_garbage_is_counted_exactly_and_tolerated) {
  start();
  auto& s = *stack_;
  ASSERT_TRUE(wait_until([&] { return all_meters_up(s, 3); }, 20s)) << s.metrics();
  const std::string garbage = "dlms_bridge_meter_hdlc_garbage_bytes_total{meter=\"m3\"}";
  ASSERT_EQ(s.metric(garbage).value_or(-1), 0.0) << s.metrics();
  const auto failures = [&] { return s.metric("dlms_bridge_meter_poll_failures_total{meter=\"m3\",reason=\"timeout\"}").value_or(-1); };
  const double failures_before = failures();
  s.sim("POST", "/api/v1/meters/3/faults", R"({"garbage": 1.0, "garbage_bytes": 17})");
  ASSERT_TRUE(wait_until([&] { return s.sim("GET", "/api/v1/meters/3/counts").value("garbage", 0) >= 5; }, 30s));
  s.sim("POST", "/api/v1/meters/3/faults", R"({"garbage": 0})");
  const int injected = s.sim("GET", "/api/v1/meters/3/counts").value("garbage", 0);
  EXPECT_TRUE(wait_until([&] { return s.metric(garbage).value_or(-1) == 17.0 * injected; }, 20s))
      << "injected " << injected << " x 17 bytes, counted " << s.metric(garbage).value_or(-1);
  EXPECT_EQ(failures(), failures_before);
  EXPECT_EQ(s.metric("dlms_bridge_meter_up{meter=\"m3\"}").value_or(0), 1.0);
  EXPECT_EQ(s.metric("dlms_bridge_meter_hdlc_garbage_bytes_total{meter=\"m1\"}").value_or(-1), 0.0);
}

TEST_F(BridgeE2E, ctl_pauses_resumes_tests_and_lists) {
  start();
  auto& s = *stack_;
  ASSERT_TRUE(wait_until([&] { return all_meters_up(s, 3); }, 20s));
  const std::string url = "http://127.0.0.1:" + std::to_string(s.http_port());
  auto ctl = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {bin("dlms-bridge"), "ctl", "--url", url};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, 60s);
  };
  auto list = ctl({"list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("m3"), std::string::npos) << list.out;

  auto paused = ctl({"pause", "m2"});
  EXPECT_EQ(paused.exit_code, 0) << paused.err;
  EXPECT_TRUE(wait_until([&] { return s.metric("dlms_bridge_meter_paused{meter=\"m2\"}").value_or(0) == 1; }, 10s));
  // The association is released while paused.
  EXPECT_TRUE(wait_until([&] { return s.sim("GET", "/api/v1/meters/2").value("associated", true) == false; }, 10s));
  auto polls = s.metric("dlms_bridge_meter_polls_total{meter=\"m2\"}").value_or(0);
  std::this_thread::sleep_for(2500ms);  // two poll intervals: a paused meter is not polled
  EXPECT_EQ(s.metric("dlms_bridge_meter_polls_total{meter=\"m2\"}").value_or(-1), polls);

  auto resumed = ctl({"resume", "m2"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_TRUE(wait_until([&] { return s.metric("dlms_bridge_meter_polls_total{meter=\"m2\"}").value_or(0) > polls; }, 15s));

  auto test = ctl({"test", "m1"});
  EXPECT_EQ(test.exit_code, 0) << test.out << test.err;
  EXPECT_NE(test.out.find("voltage_l1"), std::string::npos) << test.out;
  // Units as `read` prints them ("V", "Wh"), never the DLMS code ("unit 35").
  EXPECT_NE(test.out.find(" V (raw "), std::string::npos) << test.out;
  EXPECT_NE(test.out.find(" Wh (raw "), std::string::npos) << test.out;
  EXPECT_EQ(test.out.find("unit "), std::string::npos) << test.out;

  auto unknown = ctl({"pause", "nope"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("unknown meter"), std::string::npos) << unknown.err;

  auto health = ctl({"health"});
  EXPECT_EQ(health.exit_code, 0) << health.out;
  auto events = ctl({"events", "--since", "5m"});
  EXPECT_EQ(events.exit_code, 0) << events.err;
}

TEST_F(BridgeE2E, sighup_reload_removes_a_meter_and_keeps_the_others_polling) {
  start();
  auto& s = *stack_;
  ASSERT_TRUE(wait_until([&] { return all_meters_up(s, 3) && reading_series_of(s.metrics(), "m3") > 0; }, 20s));
  s.write_config({1, 2});
  s.bridge().signal(SIGHUP);
  EXPECT_TRUE(wait_until([&] { return !s.metric("dlms_bridge_meter_up{meter=\"m3\"}").has_value(); }, 10s)) << s.metrics();
  // All its series go, its readings included; the others keep theirs.
  const auto after = s.metrics();
  EXPECT_EQ(reading_series_of(after, "m3"), 0) << after;
  EXPECT_GT(reading_series_of(after, "m1"), 0) << after;
  auto polls = s.metric("dlms_bridge_meter_polls_total{meter=\"m1\"}").value_or(0);
  EXPECT_TRUE(wait_until([&] { return s.metric("dlms_bridge_meter_polls_total{meter=\"m1\"}").value_or(0) > polls; }, 10s));
  // The removed meter's association was released.
  EXPECT_TRUE(wait_until([&] { return s.sim("GET", "/api/v1/meters/3").value("associated", true) == false; }, 10s));
  // An invalid file is rejected over HTTP and the running config stays.
  testing_support::write_file(s.config_path(), "[qos]\nrequest_timeout = \"-1s\"\n");
  auto reload = s.post("/-/reload");
  EXPECT_EQ(reload.status, 500) << reload.body;
  EXPECT_TRUE(s.metric("dlms_bridge_meter_up{meter=\"m1\"}").has_value());
}

TEST_F(BridgeE2E, readings_made_during_a_broker_outage_are_published_after_it) {
  start();
  auto& s = *stack_;
  const std::string published = "dlms_bridge_meter_readings_published_total{meter=\"m1\"}";
  ASSERT_TRUE(wait_until([&] { return s.metric(published).value_or(0) > 0; }, 20s)) << s.metrics();
  s.stop_broker();
  ASSERT_TRUE(wait_until([&] { return s.metric("dlms_bridge_mqtt_connected").value_or(1) == 0; }, 20s));
  const double before = s.metric(published).value_or(0);
  const double polls = s.metric("dlms_bridge_meter_polls_total{meter=\"m1\"}").value_or(0);
  // Polling goes on; readings wait in the outbox; nothing counts as published without a PUBACK.
  ASSERT_TRUE(wait_until([&] { return s.metric("dlms_bridge_meter_polls_total{meter=\"m1\"}").value_or(0) >= polls + 3; }, 20s));
  EXPECT_EQ(s.metric(published).value_or(-1), before);
  EXPECT_GE(s.metric("dlms_bridge_outbox_messages").value_or(0), 3.0);
  EXPECT_GT(s.metric("dlms_bridge_outbox_oldest_timestamp_seconds").value_or(0), 0.0);
  const auto health = s.get("/api/v1/health");
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_EQ(json::parse(health.body)["status"], "failing") << health.body;
  s.start_broker();
  // Everything read during the outage is delivered and acknowledged; the outbox drains.
  EXPECT_TRUE(wait_until([&] { return s.metric("dlms_bridge_outbox_messages").value_or(-1) == 0; }, 30s)) << s.metrics();
  EXPECT_GE(s.metric(published).value_or(0), before + 3);
  EXPECT_EQ(s.metric("dlms_bridge_mqtt_connected").value_or(0), 1.0);
  EXPECT_GE(s.metric("dlms_bridge_mqtt_reconnects_total").value_or(0), 1.0);
}

TEST_F(BridgeE2E, sigterm_releases_every_association_and_exits_0) {
  start();
  auto& s = *stack_;
  ASSERT_TRUE(wait_until([&] { return all_meters_up(s, 3); }, 20s));
  EXPECT_EQ(s.bridge().stop(SIGTERM, 15s), 0) << s.logs();
  for (int k = 1; k <= 3; ++k) {
    auto m = s.sim("GET", "/api/v1/meters/" + std::to_string(k));
    EXPECT_EQ(m.value("associated", true), false) << m.dump();
  }
}

TEST_F(BridgeE2E, sigint_stops_gracefully_with_an_empty_outbox_and_exit_0) {
  start();
  auto& s = *stack_;
  ASSERT_TRUE(wait_until([&] {
    return all_meters_up(s, 3) && s.metric("dlms_bridge_meter_readings_published_total{meter=\"m1\"}").value_or(0) > 0;
  }, 20s)) << s.metrics();
  EXPECT_EQ(s.bridge().stop(SIGINT, 15s), 0) << s.logs();
  for (int k = 1; k <= 3; ++k) {
    auto m = s.sim("GET", "/api/v1/meters/" + std::to_string(k));
    EXPECT_EQ(m.value("associated", true), false) << m.dump();
  }
  // Everything read before the signal was acknowledged by the broker and left the outbox.
  auto outbox = run({"sqlite3", (s.dir() / "state" / "bridge.db").string(), "SELECT count(*) FROM outbox"});
  ASSERT_EQ(outbox.exit_code, 0) << outbox.err;
  EXPECT_EQ(outbox.out, "0\n");
  auto stopped = run({"sqlite3", (s.dir() / "state" / "bridge.db").string(),
                      "SELECT count(*) FROM events WHERE category = 'shutdown'"});
  EXPECT_EQ(stopped.out, "1\n") << stopped.err;
}

TEST_F(BridgeE2E, readings_enabled_false_hides_reading_series_and_a_reload_switches_them) {
  StackOptions o;
  o.extra_http = "readings_enabled = false\n";
  start(o);
  auto& s = *stack_;
  ASSERT_TRUE(wait_until([&] {
    return all_meters_up(s, 3) && s.metric("dlms_bridge_meter_polls_total{meter=\"m1\"}").value_or(0) >= 2;
  }, 20s)) << s.metrics();
  EXPECT_EQ(reading_series_of(s.metrics(), "m1"), 0) << s.metrics();
  auto text = s.config_text({1, 2, 3});
  const std::string off = "readings_enabled = false";
  text.replace(text.find(off), off.size(), "readings_enabled = true");
  testing_support::write_file(s.config_path(), text);
  s.bridge().signal(SIGHUP);
  EXPECT_TRUE(wait_until([&] { return reading_series_of(s.metrics(), "m1") > 0; }, 15s)) << s.metrics();
  s.write_config({1, 2, 3});  // off again
  s.bridge().signal(SIGHUP);
  EXPECT_TRUE(wait_until([&] { return reading_series_of(s.metrics(), "m1") == 0; }, 15s)) << s.metrics();
  EXPECT_TRUE(all_meters_up(s, 3));
}

TEST_F(BridgeE2E, a_dead_meter_is_diagnosed_and_does_not_disturb_the_others) {
  StackOptions o;
  o.sim_scenario = "[[meter]]\nid = 3\nsilent = true\n";
  start(o);
  auto& s = *stack_;
  ASSERT_TRUE(wait_until([&] {
    return s.metric("dlms_bridge_meter_up{meter=\"m1\"}").value_or(0) == 1 &&
           s.metric("dlms_bridge_meter_up{meter=\"m2\"}").value_or(0) == 1;
  }, 20s));
  EXPECT_TRUE(wait_until([&] { return s.metric("dlms_bridge_meter_poll_failures_total{meter=\"m3\",reason=\"timeout\"}").value_or(0) > 0; }, 20s))
      << s.metrics();
  EXPECT_EQ(s.metric("dlms_bridge_meter_up{meter=\"m3\"}").value_or(-1), 0.0);
  const auto m3 = json::parse(s.get("/api/v1/meters/m3").body);
  const std::string last_error = m3["last_error"];
  EXPECT_EQ(last_error.rfind("timeout: ", 0), 0u) << last_error;
  EXPECT_EQ(last_error.find("timeout: timeout:"), std::string::npos) << last_error;
  auto plan = json::parse(s.get("/api/v1/action-plan").body);
  bool found = false;
  for (const auto& step : plan["steps"]) found = found || step["target"] == "m3";
  EXPECT_TRUE(found) << plan.dump(2);
  auto health = json::parse(s.get("/api/v1/health").body);
  EXPECT_EQ(health["status"], "degraded") << health.dump();

  // The figures the alert rules use: the diagnosis as a metric (one series per meter), the
  // request timeouts as HDLC errors, per-meter latency, readings made and end-to-end latency.
  EXPECT_TRUE(wait_until([&] {
    return s.metric("dlms_bridge_meter_diagnosis_info{meter=\"m3\",symptom=\"silent_after_connect\"}").value_or(0) == 1;
  }, 20s)) << s.metrics();
  EXPECT_EQ(s.metric("dlms_bridge_meter_diagnosis_info{meter=\"m1\",symptom=\"none\"}").value_or(0), 1.0);
  EXPECT_GT(s.metric("dlms_bridge_meter_hdlc_errors_total{meter=\"m3\",kind=\"timeout\"}").value_or(0), 0.0);
  EXPECT_GT(s.metric("dlms_bridge_meter_poll_duration_seconds_count{meter=\"m1\"}").value_or(0), 0.0);
  EXPECT_GT(s.metric("dlms_bridge_meter_readings_total{meter=\"m1\"}").value_or(0), 0.0);
  EXPECT_TRUE(wait_until([&] { return s.metric("dlms_bridge_publish_latency_seconds_count").value_or(0) > 0; }, 20s));
  // The API's cycle counts are /metrics' counts (m3 fails every attempt: retried until both
  // reads fall between two attempts).
  EXPECT_TRUE(wait_until([&] {
    const auto c = json::parse(s.get("/api/v1/meters/m3").body)["counters"];
    const auto polls = s.metric("dlms_bridge_meter_polls_total{meter=\"m3\"}").value_or(-1);
    const auto timeouts = s.metric("dlms_bridge_meter_poll_failures_total{meter=\"m3\",reason=\"timeout\"}").value_or(-1);
    return c["cycles"].get<double>() == polls && c["cycles_failed"].get<double>() == timeouts &&
           c["failures"]["timeout"].get<double>() == timeouts && c["cycles_ok"] == 0 && polls > 0;
  }, 20s)) << s.get("/api/v1/meters/m3").body << s.metrics();
}

TEST_F(BridgeE2E, status_page_renders_the_fleet_in_headless_chromium) {
  if (run({"sh", "-c", "command -v chromium"}).exit_code != 0) GTEST_SKIP() << "chromium not installed";
  start();
  auto& s = *stack_;
  ASSERT_TRUE(wait_until([&] { return all_meters_up(s, 3); }, 20s));
  testing_support::TempDir profile;
  auto page = run({"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--user-data-dir=" + profile.path().string(), "--virtual-time-budget=5000", "--dump-dom",
                   "http://127.0.0.1:" + std::to_string(s.http_port()) + "/"},
                  60s);
  ASSERT_EQ(page.exit_code, 0) << page.err;
  for (const char* id : {"meter-m1", "meter-m2", "meter-m3"}) EXPECT_NE(page.out.find(id), std::string::npos) << page.out;
  EXPECT_NE(page.out.find("all meters ok"), std::string::npos) << page.out;
}

TEST(BridgeE2EStartup, invalid_config_fails_with_positions_and_exit_1) {
  testing_support::TempDir dir;
  testing_support::write_file(dir / "bad.toml", "[qos]\nrequest_timeout = \"-7s\"\nbogus = 1\n");
  auto r = run({bin("dlms-bridge"), "run", "--config", (dir / "bad.toml").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.toml:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.toml:3:"), std::string::npos) << r.err;
}

TEST(BridgeE2EStartup, unwritable_store_fails_clearly) {
  testing_support::TempDir dir;
  testing_support::write_file(dir / "file", "not a directory");
  testing_support::write_file(dir / "c.toml", "[bridge]\nallow_no_meters = true\n[http]\nlisten = \"127.0.0.1:" +
                                                  std::to_string(testing_support::free_port()) +
                                                  "\"\n[mqtt]\nenabled = false\n[store]\npath = \"" +
                                                  (dir / "file" / "db.sqlite").string() + "\"\n");
  auto r = run({bin("dlms-bridge"), "run", "--config", (dir / "c.toml").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("store"), std::string::npos) << r.err;
}

}  // namespace
