// Reliability suite, short case: 200 simulated meters and a scripted schedule of faults (refused
// connections, silent, slow, corrupt frames, garbage, mid-frame drops, wrong passwords), a
// broker outage, kill -9 of the bridge during it and a restart, then a config reload that mends
// the passwords. At the end the accounting must balance:
//   - every reading the store ever took in (outbox sequence) reached a persistent subscriber at
//     least once (duplicates counted and reported), and the restarted bridge's readings_total is
//     exactly what its store took in;
//   - every injected fault shows in the bridge's metrics with its reason (the simulator's own
//     counts prove each was injected);
//   - every healthy meter was polled >= 99 % of its slots (polls vs the schedule), through the
//     broker's return and the reload;
//   - no crash: the restarted bridge and both simulators exit 0 on SIGTERM.
// The long case (1,000 meters, 1 h, random faults, RSS and fds) is bench/soak.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bridge_stack.h"
#include "fleet_accounting.h"
#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using e2e::BridgeStack;
using e2e::Scrape;
using nlohmann::json;
using testing_support::bin;
using testing_support::Child;
using testing_support::wait_until;
using Clock = std::chrono::steady_clock;

constexpr int kMeters = 200;  // on the shared simulator port; m201..m205 refuse on their own ports
constexpr int kRefusing = 5;

// Meter groups by simulator id; every other meter is healthy.
struct Group {
  const char* name;
  int first, last;
  const char* faults;         // JSON for the simulator's control endpoint ("" = none)
  const char* reason;         // poll_failures_total{reason} each meter must show ("" = see hdlc_kind)
  const char* hdlc_kind;      // hdlc_errors_total{kind} each meter must show ("" = none required)
  const char* injected;       // the simulator's count that proves the injection ("" = bridge side)
};
constexpr Group kGroups[] = {
    {"silent", 6, 10, R"({"silent":true})", "timeout", "", "silent"},
    {"slow", 11, 15, R"({"delay_ms":1500})", "timeout", "", "slow"},
    {"corrupt", 16, 20, R"({"corrupt_fcs":0.5})", "", "fcs", "corrupt_fcs"},
    // Bytes between frames are skipped by the HDLC decoder: tolerated, so the check is that the
    // meter keeps being read and its hdlc_garbage_bytes_total grows, not a failure reason.
    {"garbage", 21, 25, R"({"garbage":0.5,"garbage_bytes":24})", "", "", "garbage"},
    {"mid-frame drop", 26, 30, R"({"drop_mid_frame":0.3})", "closed", "", "drop_mid_frame"},
    {"wrong password", 31, 35, "", "association_rejected", "", ""},
};
constexpr int kFirstHealthy = 36;
const std::string kWrongPassword = "33333333";

std::string meter(int k) { return "m" + std::to_string(k); }
std::string label(int k) { return "meter=\"" + meter(k) + "\""; }

// The fleet config: the stack's meters, m31..m35 with a wrong password (until the reload), and
// the refusing meters on the second simulator's own ports.
std::string fleet_config(const BridgeStack& s, int refusing_port, bool passwords_fixed) {
  std::vector<int> ids;
  for (int k = 1; k <= kMeters; ++k) ids.push_back(k);
  std::string text = s.config_text(ids);
  // Above 127 meters on one port the simulator needs 4-byte server addresses (logical 1).
  for (auto at = text.find("server_logical = 0\n"); at != std::string::npos;
       at = text.find("server_logical = 0\n", at)) {
    text.replace(at, 19, "server_logical = 1\naddress_size = 4\n");
  }
  if (!passwords_fixed) {
    for (int k = 31; k <= 35; ++k) {
      const auto at = text.find("password = \"22222222\"", text.find("id = \"" + meter(k) + "\"\n"));
      text.replace(at, 21, "password = \"" + kWrongPassword + "\"");
    }
  }
  for (int i = 0; i < kRefusing; ++i) {
    text += "[[meter]]\nid = \"" + meter(kMeters + 1 + i) + "\"\nhost = \"127.0.0.1\"\nport = " +
            std::to_string(refusing_port + i) +
            "\nserver_logical = 0\nserver_physical = 1\nauth = \"low\"\npassword = \"22222222\"\n\n";
  }
  return text;
}

class Reliability : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure() && stack_) std::cerr << stack_->logs() << "==== subscriber\n" << subscriber_.log();
  }
  Scrape scrape() const { return Scrape::parse(stack_->metrics()); }
  void start_bridge() {
    stack_->start_bridge();
    ASSERT_TRUE(stack_->wait_ready(60s)) << stack_->logs();
  }

  std::unique_ptr<BridgeStack> stack_;
  Child subscriber_;
};

TEST_F(Reliability, a_faulty_fleet_loses_no_reading_and_keeps_its_healthy_meters_on_time) {
  e2e::StackOptions options;
  options.meters = kMeters;
  options.broker_persistence = true;
  // Failing meters retry every few seconds and never trip the breaker, so the ones the schedule
  // mends come back within the run.
  options.extra_qos = "backoff_max = \"3s\"\nbreaker_max_reconnects = 1000\n";
  stack_ = std::make_unique<BridgeStack>(options);
  auto& s = *stack_;
  const auto db = s.dir() / "state" / "bridge.db";

  Child refusing({bin("dlms-meter-sim"), "--listen", "127.0.0.1:0", "--meters", std::to_string(kRefusing), "--ports",
                  "consecutive", "--profile", "microstar", "--control", "127.0.0.1:0", "--fault", "refuse=true"},
                 s.dir() / "sim-refusing.log");
  std::map<std::string, std::string> refusing_at;
  ASSERT_TRUE(wait_until([&] { return (refusing_at = e2e::parse_listening_line(refusing.log())).count("control"); },
                         10s))
      << refusing.log();
  const int refusing_port = std::stoi(refusing_at["port"]);
  const int refusing_control = std::stoi(refusing_at["control"]);

  // A persistent QoS 1 session: the broker keeps what the subscriber misses while it reconnects.
  subscriber_ = Child({"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(s.mqtt_port()), "-t",
                       "v1/gateway/telemetry", "-q", "1", "-c", "-i", "reliability-subscriber"},
                      s.dir() / "subscriber.log");
  ASSERT_TRUE(wait_until([&] { return testing_support::read_file(s.dir() / "mosquitto.log").find(
                                          "reliability-subscriber") != std::string::npos; },
                         10s));

  testing_support::write_file(s.config_path(), fleet_config(s, refusing_port, false));
  start_bridge();
  if (HasFatalFailure()) return;
  ASSERT_TRUE(wait_until([&] { return scrape().sum("dlms_bridge_meter_up", "meter=\"m200\"") == 1; }, 30s));

  // Faults hit established sessions.
  for (const auto& g : kGroups) {
    if (!*g.faults) continue;
    for (int k = g.first; k <= g.last; ++k) s.sim("POST", "/api/v1/meters/" + std::to_string(k) + "/faults", g.faults);
  }
  std::this_thread::sleep_for(3s);

  // Broker outage; the bridge is killed in the middle of it with readings in its outbox.
  s.stop_broker();
  ASSERT_TRUE(wait_until([&] { return scrape().value("dlms_bridge_outbox_messages") >= 100; }, 20s));
  const double made_before_kill = scrape().sum("dlms_bridge_meter_readings_total");
  s.bridge().kill_hard();
  s.bridge().wait(10s);
  const auto sequence_at_kill = e2e::outbox_sequence(db);
  const auto backlog_at_kill = e2e::store_int(db, "SELECT count(*) FROM outbox");
  EXPECT_GE(static_cast<double>(sequence_at_kill), made_before_kill);
  EXPECT_GT(backlog_at_kill, 0);

  start_bridge();  // broker still down: the backlog waits in the store
  if (HasFatalFailure()) return;
  // The window starts once the restarted bridge has connected the fleet (connect_rate).
  std::this_thread::sleep_for(6s);
  const auto window_start = Clock::now();
  const Scrape at_window_start = scrape();
  s.start_broker();
  std::this_thread::sleep_for(3s);

  // Reload: the operator mends the passwords; the refusing meters come back.
  testing_support::write_file(s.config_path(), fleet_config(s, refusing_port, true));
  s.bridge().signal(SIGHUP);
  testing_support::http("POST", refusing_control, "/api/v1/reset");
  ASSERT_TRUE(wait_until(
      [&] {
        const auto now = scrape();
        for (int k = 31; k <= 35; ++k) {
          if (now.value("dlms_bridge_meter_up{" + label(k) + "}") != 1) return false;
        }
        return now.value("dlms_bridge_meter_up{" + label(kMeters + 1) + "}") == 1;
      },
      30s))
      << "the reload did not mend the passwords, or the refusing meters did not come back:\n"
      << s.get("/api/v1/meters/m31").body << "\n"
      << s.get("/api/v1/meters/" + meter(kMeters + 1)).body;

  while (Clock::now() < window_start + 20s) std::this_thread::sleep_for(200ms);
  const Scrape at_window_end = scrape();
  const double window_s = std::chrono::duration<double>(Clock::now() - window_start).count();

  // Faults: each injected one is in the bridge's metrics with its reason.
  const json counts = s.sim("GET", "/api/v1/counts");
  for (const auto& g : kGroups) {
    for (int k = g.first; k <= g.last; ++k) {
      if (*g.injected) {
        EXPECT_GT(counts["meters"][std::to_string(k)].value(g.injected, 0), 0) << g.name << " not injected on " << k;
      }
      if (*g.reason) {
        EXPECT_GT(at_window_end.value("dlms_bridge_meter_poll_failures_total{" + label(k) + ",reason=\"" + g.reason + "\"}"), 0)
            << g.name << " meter " << meter(k) << " shows no failure with reason " << g.reason;
      }
      if (*g.hdlc_kind) {
        EXPECT_GT(at_window_end.value("dlms_bridge_meter_hdlc_errors_total{" + label(k) + ",kind=\"" + g.hdlc_kind + "\"}"), 0)
            << g.name << " meter " << meter(k) << " shows no HDLC error of kind " << g.hdlc_kind;
      }
    }
  }
  for (int k = 21; k <= 25; ++k) {  // garbage: tolerated, the meter is read in most slots of the window
    const std::string series = "dlms_bridge_meter_readings_total{" + label(k) + "}";
    EXPECT_GE(at_window_end.value(series) - at_window_start.value(series), 0.5 * window_s) << meter(k);
    EXPECT_GT(at_window_end.value("dlms_bridge_meter_hdlc_garbage_bytes_total{" + label(k) + "}"), 0) << meter(k);
  }
  for (int k = kMeters + 1; k <= kMeters + kRefusing; ++k) {
    EXPECT_GT(at_window_end.value("dlms_bridge_meter_poll_failures_total{" + label(k) + ",reason=\"refused\"}"), 0)
        << meter(k);
  }

  // On time: every healthy meter made >= 99 % of the window's slots (minus one for the phase).
  const double slots = window_s / 1.0;
  int late = 0;
  for (int k = kFirstHealthy; k <= kMeters; ++k) {
    const std::string series = "dlms_bridge_meter_polls_total{" + label(k) + "}";
    const double polls = at_window_end.value(series) - at_window_start.value(series);
    const double failed = at_window_end.sum("dlms_bridge_meter_poll_failures_total", label(k)) -
                          at_window_start.sum("dlms_bridge_meter_poll_failures_total", label(k));
    if (polls - failed < 0.99 * slots - 1) {
      ++late;
      ADD_FAILURE() << meter(k) << ": " << polls - failed << " good polls of " << slots << " slots";
    }
  }
  RecordProperty("late_healthy_meters", late);

  // Quiesce: no new readings (simulators stopped), the backlog drains, the counters settle.
  EXPECT_EQ(refusing.stop(SIGTERM, 10s), 0);
  EXPECT_EQ(stack_->stop_simulator(), 0);
  // Settled: readings_total unchanged for 2 s (a cycle that ended as the simulator stopped may
  // still be on its way into the outbox) and the outbox empty.
  double made = -1;
  auto made_since = Clock::now();
  ASSERT_TRUE(wait_until(
      [&] {
        const auto now = scrape();
        const double total = now.sum("dlms_bridge_meter_readings_total");
        if (total != made) {
          made = total;
          made_since = Clock::now();
        }
        return Clock::now() - made_since >= 2s && now.value("dlms_bridge_outbox_messages") == 0;
      },
      60s))
      << "outbox never drained";
  const Scrape final_scrape = scrape();
  EXPECT_EQ(final_scrape.sum("dlms_bridge_outbox_dropped_total"), 0);
  EXPECT_EQ(s.bridge().stop(SIGTERM, 20s), 0) << "the bridge did not exit cleanly";

  const auto sequence_at_end = e2e::outbox_sequence(db);
  EXPECT_EQ(static_cast<double>(sequence_at_end - sequence_at_kill), made)
      << "the restarted bridge's readings_total differs from what its store took in";
  EXPECT_EQ(e2e::store_int(db, "SELECT count(*) FROM outbox"), 0);

  // Every outbox row reached the subscriber at least once: as many entries as rows, and as many
  // distinct readings as rows less the rows that repeat a reading inside one message (a reading
  // the bridge enqueued twice is a duplicate, not a loss; it is reported).
  e2e::ReceivedReadings received;
  const auto distinct_due = [&] { return sequence_at_end - received.same_message_duplicates; };
  const bool all_received = wait_until(
      [&] {
        received = e2e::parse_received(subscriber_.log());
        return received.total >= sequence_at_end &&
               static_cast<std::int64_t>(received.distinct.size()) >= distinct_due();
      },
      20s);
  EXPECT_TRUE(all_received) << received.distinct.size() << " distinct readings (" << received.total
                            << " entries) received of " << sequence_at_end << " outbox rows";
  EXPECT_EQ(static_cast<std::int64_t>(received.distinct.size()), distinct_due());
  EXPECT_EQ(received.unparsable_lines, 0);
  RecordProperty("readings_made", std::to_string(sequence_at_end));
  RecordProperty("readings_received", std::to_string(received.total));
  RecordProperty("duplicates", std::to_string(received.duplicates()));
  RecordProperty("enqueued_twice", std::to_string(received.same_message_duplicates));
  std::cout << "reliability: " << sequence_at_end << " readings made (" << sequence_at_kill
            << " before kill -9, backlog " << backlog_at_kill << "), " << received.distinct.size()
            << " received, " << received.duplicates() << " duplicates ("
            << received.same_message_duplicates << " enqueued twice by the bridge); " << late << " healthy meters late; window "
            << window_s << " s\n";
}

}  // namespace
