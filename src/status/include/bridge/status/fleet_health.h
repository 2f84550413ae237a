#pragma once
// Fleet health and the action plan: what /api/v1/health, /api/v1/action-plan, the status page
// and `dlms-bridge ctl health|action-plan` say about the bridge as a whole, decided here from
// plain facts (the meters' status snapshots, the store's and the MQTT exporter's state, the
// config's intent) so it is unit-tested without HTTP. The routes only render it.
//
//   HealthFacts facts{.meters = fleet.statuses(), .now_ms = wall_ms(), ...};
//   FleetHealth h = assess_health(facts);          // ok / degraded / failing, checks, counts
//   std::vector<ActionStep> plan = action_plan(facts);
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bridge/poller/status.h"
#include "bridge/status/history.h"

namespace bridge::status {

struct MqttFacts {
  bool connected = false;
  std::uint64_t inflight = 0;
  std::uint64_t acked = 0;   // readings acknowledged (PUBACK) since start
  std::int64_t outbox = 0;   // readings waiting in the outbox
  std::string host;          // the configured broker, for the operator's text
  int port = 0;
};

struct HealthFacts {
  std::vector<poller::MeterStatus> meters;
  std::int64_t now_ms = 0;
  std::string store_path;
  std::uint64_t store_writes_dropped = 0;  // store writes dropped because its queue was full
  std::optional<MqttFacts> mqtt;           // nullopt: MQTT disabled
  // A bridge without meters is failing unless the config says that is intended, or this shard
  // was given none of the fleet's meters.
  bool allow_no_meters = false;
  bool sharded = false;
};

// A meter is failing when it is neither paused nor delivering readings: no success yet after a
// failed attempt, or the last success older than three poll intervals (at least 1 s each).
bool meter_failing(const poller::MeterStatus& s, std::int64_t now_ms);

// A meter's health as the operator reads it (the status page's row colour, the API's "health"):
// paused; down (failing, above) or breaker_open, with since when; starting (nothing read yet);
// degraded (readings arrive but the success ratio or the reconnect / HDLC error counts miss
// their targets over the window); up.
struct MeterHealth {
  std::string name;
  std::int64_t since_ms = 0;  // down / breaker_open: since when; 0 otherwise
};
MeterHealth meter_health(const poller::MeterStatus& s, const TrendFigures& figures, std::int64_t now_ms);

enum class HealthStatus { ok, degraded, failing };
std::string_view to_label(HealthStatus s);

struct HealthCheck {
  std::string name;  // store, mqtt, meters
  bool ok = true;
  std::string detail;
};

struct FleetHealth {
  // failing: MQTT down, no meters, or every meter failing (HTTP 503); degraded: some meter
  // failing or a breaker not closed; ok otherwise.
  HealthStatus status = HealthStatus::ok;
  std::vector<HealthCheck> checks;
  std::size_t total = 0;
  std::size_t up = 0;            // delivering readings
  std::size_t paused = 0;
  std::size_t breaker_open = 0;  // breaker open or half-open
  std::vector<std::string> failing;  // meter ids
  std::int64_t ts_ms = 0;
};

FleetHealth assess_health(const HealthFacts& facts);

// One thing for the operator to do (or know), most urgent first: the broker, then each paused
// or failing meter (or meter with a breaker not closed), in the snapshot's order.
struct ActionStep {
  std::string target;  // "mqtt" or a meter id
  Severity severity = Severity::warning;
  std::string symptom;
  std::string explanation;
  std::string action;                // the actions joined with "; "
  std::vector<std::string> actions;  // meter steps: the action split into steps
  // Meter steps (not paused): what the session says.
  std::optional<poller::MeterState> state;
  std::string last_error;
  std::optional<std::int64_t> since_ms;  // first time this symptom was seen
  std::optional<std::uint64_t> count;    // consecutive occurrences of it
  std::optional<poller::BreakerState> breaker;  // when not closed
  bool paused_step() const { return symptom == "paused"; }
};

std::vector<ActionStep> action_plan(const HealthFacts& facts);

}  // namespace bridge::status
