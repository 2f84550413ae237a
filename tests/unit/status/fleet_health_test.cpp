// Fleet health and the action plan from plain facts: which meters count as failing, when the
// bridge is degraded or failing, and what the operator is told to do, in which order.
#include "bridge/status/fleet_health.h"

#include <gtest/gtest.h>

namespace bridge::status {
namespace {

constexpr std::int64_t kNow = 1'800'000'000'000;

poller::MeterStatus meter(std::string id, std::int64_t last_success_ms, std::int64_t interval_ms = 10'000) {
  poller::MeterStatus s;
  s.id = std::move(id);
  s.interval_ms = interval_ms;
  s.last_success_ms = last_success_ms;
  s.last_attempt_ms = last_success_ms;
  return s;
}

poller::MeterStatus never_read(std::string id) {
  auto s = meter(std::move(id), 0);
  s.last_attempt_ms = kNow - 1000;
  s.last_error = "unreachable: connection refused";
  return s;
}

HealthFacts facts(std::vector<poller::MeterStatus> meters) {
  HealthFacts f;
  f.meters = std::move(meters);
  f.now_ms = kNow;
  f.store_path = "/var/lib/dlms-bridge/bridge.db";
  return f;
}

TEST(FleetHealthTest, a_meter_fails_after_three_intervals_without_a_reading_or_a_failed_first_attempt) {
  EXPECT_FALSE(meter_failing(meter("a", kNow - 30'000), kNow));  // exactly three intervals
  EXPECT_TRUE(meter_failing(meter("a", kNow - 30'001), kNow));
  EXPECT_FALSE(meter_failing(meter("fast", kNow - 2'900, 100), kNow));  // intervals count as 1 s at least
  EXPECT_TRUE(meter_failing(meter("fast", kNow - 3'001, 100), kNow));
  EXPECT_TRUE(meter_failing(never_read("b"), kNow));
  EXPECT_FALSE(meter_failing(meter("starting", 0), kNow));  // nothing tried yet
  auto paused = never_read("p");
  paused.paused = true;
  EXPECT_FALSE(meter_failing(paused, kNow));
}

TEST(FleetHealthTest, healthy_fleet_is_ok_and_counts_every_meter) {
  auto p = meter("p", 0);
  p.paused = true;
  const auto h = assess_health(facts({meter("a", kNow - 1000), meter("b", kNow - 2000), p}));
  EXPECT_EQ(h.status, HealthStatus::ok);
  EXPECT_EQ(h.total, 3u);
  EXPECT_EQ(h.up, 2u);
  EXPECT_EQ(h.paused, 1u);
  EXPECT_TRUE(h.failing.empty());
  ASSERT_EQ(h.checks.size(), 2u);  // store, meters (no MQTT check when MQTT is off)
  EXPECT_EQ(h.checks[0].name, "store");
  EXPECT_EQ(h.checks[0].detail, "/var/lib/dlms-bridge/bridge.db");
  EXPECT_EQ(h.checks[1].detail, "0 of 3 meters failing");
}

TEST(FleetHealthTest, some_meters_failing_or_a_breaker_not_closed_is_degraded_all_failing_is_failing) {
  auto h = assess_health(facts({meter("a", kNow - 1000), never_read("b")}));
  EXPECT_EQ(h.status, HealthStatus::degraded);
  EXPECT_EQ(h.failing, std::vector<std::string>{"b"});
  EXPECT_FALSE(h.checks.back().ok);
  EXPECT_EQ(h.checks.back().detail, "1 of 2 meters failing");

  auto tripped = meter("c", kNow - 1000);
  tripped.breaker = poller::BreakerState::half_open;
  h = assess_health(facts({meter("a", kNow - 1000), tripped}));
  EXPECT_EQ(h.status, HealthStatus::degraded);
  EXPECT_EQ(h.breaker_open, 1u);

  h = assess_health(facts({never_read("a"), never_read("b")}));
  EXPECT_EQ(h.status, HealthStatus::failing);
}

TEST(FleetHealthTest, a_disconnected_broker_or_no_meters_is_failing_unless_no_meters_is_intended) {
  auto f = facts({meter("a", kNow - 1000)});
  f.mqtt = MqttFacts{.connected = false, .outbox = 12, .host = "broker", .port = 1883};
  auto h = assess_health(f);
  EXPECT_EQ(h.status, HealthStatus::failing);
  ASSERT_EQ(h.checks.size(), 3u);
  EXPECT_EQ(h.checks[1].name, "mqtt");
  EXPECT_FALSE(h.checks[1].ok);

  h = assess_health(facts({}));
  EXPECT_EQ(h.status, HealthStatus::failing);
  EXPECT_NE(h.checks.back().detail.find("allow_no_meters"), std::string::npos);
  auto intended = facts({});
  intended.allow_no_meters = true;
  EXPECT_EQ(assess_health(intended).status, HealthStatus::ok);
  auto shard = facts({});
  shard.sharded = true;
  EXPECT_EQ(assess_health(shard).status, HealthStatus::ok);
}

TEST(FleetHealthTest, store_drops_fail_the_store_check) {
  auto f = facts({meter("a", kNow - 1000)});
  f.store_writes_dropped = 7;
  const auto h = assess_health(f);
  EXPECT_FALSE(h.checks[0].ok);
  EXPECT_EQ(h.checks[0].detail, "7 writes dropped (queue full)");
}

TEST(FleetHealthTest, the_plan_lists_the_broker_first_then_paused_and_failing_meters_only) {
  auto p = meter("p", kNow - 1000);
  p.paused = true;
  auto f = facts({meter("ok", kNow - 1000), p, never_read("b")});
  f.mqtt = MqttFacts{.connected = false, .outbox = 12, .host = "broker", .port = 1883};
  const auto plan = action_plan(f);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0].target, "mqtt");
  EXPECT_EQ(plan[0].severity, Severity::critical);
  EXPECT_NE(plan[0].explanation.find("broker:1883"), std::string::npos);
  EXPECT_NE(plan[0].explanation.find("12 waiting"), std::string::npos);
  EXPECT_EQ(plan[1].target, "p");
  EXPECT_EQ(plan[1].symptom, "paused");
  EXPECT_EQ(plan[1].action, "dlms-bridge ctl resume p when maintenance is over.");
  EXPECT_EQ(plan[2].target, "b");
  EXPECT_EQ(plan[2].symptom, "no_readings");  // failing without a diagnosis yet
  EXPECT_EQ(plan[2].action, "dlms-bridge ctl test b for a diagnosis");  // split into steps, re-joined
  EXPECT_EQ(plan[2].last_error, "unreachable: connection refused");
}

TEST(FleetHealthTest, a_diagnosed_meter_gets_its_diagnosis_as_steps_and_an_open_breaker_one_more) {
  auto s = never_read("m");
  poller::DiagnosisRecord d;
  d.diagnosis.severity = Severity::error;
  d.diagnosis.symptom = "unreachable";
  d.diagnosis.explanation = "Nothing answers at 10.0.0.5:4059.";
  d.diagnosis.action = "check the meter's power; check the route";
  d.ts_ms = kNow - 60'000;
  d.count = 4;
  s.diagnosis = d;
  s.breaker = poller::BreakerState::open;
  const auto plan = action_plan(facts({s}));
  ASSERT_EQ(plan.size(), 1u);
  const auto& step = plan[0];
  EXPECT_EQ(step.severity, Severity::error);
  EXPECT_EQ(step.symptom, "unreachable");
  EXPECT_EQ(step.since_ms, kNow - 60'000);
  EXPECT_EQ(step.count, 4u);
  EXPECT_EQ(step.breaker, poller::BreakerState::open);
  ASSERT_EQ(step.actions.size(), 3u);
  EXPECT_EQ(step.actions[0], "check the meter's power");
  EXPECT_NE(step.actions[2].find("circuit breaker is open"), std::string::npos);
  EXPECT_EQ(step.action, step.actions[0] + "; " + step.actions[1] + "; " + step.actions[2]);

  // The breaker's own diagnosis already says so: no extra step.
  s.diagnosis->diagnosis.symptom = "circuit_open";
  EXPECT_EQ(action_plan(facts({s}))[0].actions.size(), 2u);
  // A healthy meter with a closed breaker needs nothing.
  EXPECT_TRUE(action_plan(facts({meter("fine", kNow - 1000)})).empty());
}

TEST(FleetHealthTest, a_meter_row_reads_paused_down_breaker_open_starting_degraded_or_up) {
  TrendFigures good;
  good.window_ms = 3'600'000;
  good.cycles = 360;
  good.ok = 360;
  auto paused = never_read("p");
  paused.paused = true;
  EXPECT_EQ(meter_health(paused, good, kNow).name, "paused");
  const auto down = meter_health(meter("d", kNow - 60'000), good, kNow);
  EXPECT_EQ(down.name, "down");
  EXPECT_EQ(down.since_ms, kNow - 60'000);
  auto tripped = meter("b", kNow - 1000);
  tripped.breaker = poller::BreakerState::open;
  EXPECT_EQ(meter_health(tripped, good, kNow).name, "breaker_open");
  EXPECT_EQ(meter_health(meter("s", 0), good, kNow).name, "starting");
  EXPECT_EQ(meter_health(meter("u", kNow - 1000), good, kNow).name, "up");
  TrendFigures poor = good;
  poor.ok = 180;  // half the cycles failed over the window
  EXPECT_EQ(meter_health(meter("u", kNow - 1000), poor, kNow).name, "degraded");
}

}  // namespace
}  // namespace bridge::status
