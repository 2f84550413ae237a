// At-least-once across crashes: the pump is dropped (with the client's session, as kill -9
// does) after every step of a script and a new one is built over the same outbox. Whatever
// happens, every reading reaches the broker, and a reading reaches it twice only if the broker
// had it before the crash while its row was still in the outbox (received, but not yet
// acknowledged and deleted): the redelivery QoS 1 allows.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

#include "pump_fakes.h"

namespace bridge::mqtt::testing {
namespace {

using Step = std::function<void(World&)>;

struct Script {
  std::function<void(World&)> setup;  // runs once before the first step (e.g. a backlog)
  std::vector<std::pair<std::string, Step>> steps;
};

// Runs the script up to and including step `crash_after`, crashes, restarts and publishes
// everything; checks no loss and duplicates exactly where allowed.
void crash_after(const Script& script, std::size_t crash_after) {
  SCOPED_TRACE("crash after step " + std::to_string(crash_after) + ": " + script.steps[crash_after].first);
  World w;
  w.spec.batching.max_rows = 2;
  w.options.replay_rate = 2;  // a 6-row backlog needs three seconds: crashes land mid-replay
  w.boot();
  if (script.setup) script.setup(w);
  for (std::size_t i = 0; i <= crash_after; ++i) {
    script.steps[i].second(w);
    std::map<std::string, int> handed;
    for (const auto& m : w.handed)
      for (const auto& r : readings_in(m)) ASSERT_EQ(++handed[r], 1) << r << " handed out twice in one run";
  }
  std::set<std::string> sent_before;
  for (const auto& [reading, n] : w.deliveries()) sent_before.insert(reading);
  std::set<std::string> stored_at_crash;
  for (const auto& p : w.outbox.payloads()) stored_at_crash.insert(p);
  const int inserted = w.next_reading - 1;

  w.crash();
  w.boot();
  w.next_reading = inserted + 1;
  w.connect();
  w.run_to_completion();

  const auto got = w.deliveries();
  for (int i = 1; i <= inserted; ++i) {
    const std::string r = "r" + std::to_string(i);
    const bool may_repeat = sent_before.count(r) != 0 && stored_at_crash.count(r) != 0;
    const auto it = got.find(r);
    ASSERT_NE(it, got.end()) << r << " lost";
    // A row still in the outbox after the crash is sent again: twice if it went out before.
    EXPECT_EQ(it->second, may_repeat ? 2 : 1) << r;
  }
  EXPECT_EQ(w.outbox.count(), 0);
}

Script live_script() {
  Script s;
  s.steps = {
      {"insert 3 while not connected", [](World& w) { w.insert(3); }},
      {"connect", [](World& w) { w.connect(); }},
      {"publish the backlog", [](World& w) { w.pump->pump(w.now); }},
      {"PUBACK of the first message, rows not yet deleted", [](World& w) { w.ack(1); }},
      {"delete the acknowledged rows", [](World& w) { w.pump->flush_acked(); }},
      {"insert 4 live", [](World& w) { w.insert(4); }},
      {"publish live in batches of 2", [](World& w) { w.pump->pump(w.now); }},
      {"the broker gets the first batch, its PUBACK is not back yet", [](World& w) { w.receive(1); }},
      {"PUBACK of every message", [](World& w) { w.ack(); }},
      {"delete them", [](World& w) { w.pump->flush_acked(); }},
      {"insert 2 more", [](World& w) { w.insert(2); }},
      {"publish them", [](World& w) { w.pump->pump(w.now); }},
      {"connection lost before the PUBACK", [](World& w) { w.publisher->up = false; }},
      {"insert 1 while down", [](World& w) { w.insert(1); }},
      {"reconnect: the session resends its window itself", [](World& w) { w.connect(); }},
      {"publish the new backlog", [](World& w) {
         w.now += 2s;
         w.pump->pump(w.now);
       }},
      {"PUBACKs", [](World& w) { w.ack(); }},
      {"deletes", [](World& w) { w.pump->flush_acked(); }},
  };
  return s;
}

Script replay_script() {
  Script s;
  // Six rows a previous run left behind, batched one per message so pacing is per reading.
  s.setup = [](World& w) {
    w.spec.batching.max_rows = 1;
    w.crash();
    w.boot();
    w.insert(6);
  };
  s.steps = {
      {"connect: six rows of backlog", [](World& w) { w.connect(); }},
      {"replay the first two (burst of replay_rate)", [](World& w) { w.pump->pump(w.now); }},
      {"the broker gets both", [](World& w) { w.receive(2); }},
      {"PUBACK of one", [](World& w) { w.ack(1); }},
      {"delete it", [](World& w) { w.pump->flush_acked(); }},
      {"a live reading during the replay", [](World& w) { w.insert(1); }},
      {"one second later: two more replayed, the live one unpaced", [](World& w) {
         w.now += 1s;
         w.pump->pump(w.now);
       }},
      {"PUBACK of all", [](World& w) { w.ack(); }},
      {"delete them", [](World& w) { w.pump->flush_acked(); }},
      {"the rest of the replay", [](World& w) {
         w.now += 1s;
         w.pump->pump(w.now);
       }},
  };
  return s;
}

TEST(PumpCrashTest, a_crash_after_any_step_of_live_publishing_loses_nothing_and_repeats_only_unacknowledged) {
  const auto s = live_script();
  for (std::size_t i = 0; i < s.steps.size(); ++i) crash_after(s, i);
}

TEST(PumpCrashTest, a_crash_after_any_step_of_a_paced_replay_loses_nothing_and_repeats_only_unacknowledged) {
  const auto s = replay_script();
  for (std::size_t i = 0; i < s.steps.size(); ++i) crash_after(s, i);
}

TEST(PumpCrashTest, a_crash_with_a_batch_in_flight_resends_the_whole_batch_and_nothing_already_deleted) {
  World w;
  w.spec.batching.max_rows = 4;
  w.boot();
  w.connect();
  w.insert(10);
  w.pump->pump(w.now);
  ASSERT_EQ(w.handed, (std::vector<std::string>{"r1,r2,r3,r4", "r5,r6,r7,r8", "r9,r10"}));
  w.ack(1);
  w.pump->flush_acked();
  w.ack(1);  // second batch acknowledged, the crash comes before its rows are deleted
  w.crash();  // the third never reached the broker
  EXPECT_EQ(w.outbox.payloads(), (std::vector<std::string>{"r5", "r6", "r7", "r8", "r9", "r10"}));
  w.boot();
  w.connect();
  w.run_to_completion();
  EXPECT_EQ(w.wire, (std::vector<std::string>{"r1,r2,r3,r4", "r5,r6,r7,r8", "r5,r6,r7,r8", "r9,r10"}));
}

TEST(PumpCrashTest, rows_are_deleted_only_by_the_puback_of_the_message_that_carried_them) {
  World w;
  w.boot();
  w.connect();
  w.insert(3);
  w.pump->pump(w.now);
  w.pump->flush_acked();
  EXPECT_EQ(w.outbox.count(), 3) << "published is not acknowledged";
  w.pump->acked(0, 999);  // a PUBACK for a mid the pump never handed out
  w.pump->flush_acked();
  EXPECT_EQ(w.outbox.count(), 3);
  w.ack(1);
  EXPECT_EQ(w.outbox.count(), 3) << "deleted only at flush_acked";
  w.pump->flush_acked();
  EXPECT_EQ(w.outbox.payloads(), (std::vector<std::string>{"r2", "r3"}));
  EXPECT_EQ(w.report.snapshot().readings_acked, 1u);
}

}  // namespace
}  // namespace bridge::mqtt::testing
