// The outbox pump's rules, driven with a fake clock, an in-memory outbox and a scripted
// publisher: replay pacing, the window, ack timeouts, refusals, caps and batch limits.
#include <gtest/gtest.h>

#include "pump_fakes.h"

namespace bridge::mqtt::testing {
namespace {

TEST(PumpTest, the_backlog_is_replayed_at_replay_rate_while_live_rows_go_out_unpaced) {
  World w;
  w.options.replay_rate = 10;
  w.options.max_inflight = 1000;
  w.boot();
  w.insert(40);  // left by an earlier run: backlog at the connect
  w.connect();
  const auto t0 = w.now;
  auto wake = w.pump->pump(t0);
  EXPECT_EQ(w.handed.size(), 10u) << "one second of tokens at once";
  EXPECT_GT(wake, t0);
  EXPECT_LE(wake, t0 + 101ms) << "wakes when the next token is due";
  w.pump->pump(t0 + 50ms);
  EXPECT_EQ(w.handed.size(), 10u);
  w.pump->pump(t0 + 500ms);
  EXPECT_EQ(w.handed.size(), 15u);
  w.insert(3);  // live: not paced, not behind the backlog
  w.pump->pump(t0 + 500ms);
  EXPECT_EQ(w.handed.size(), 18u);
  EXPECT_EQ(w.handed.back(), "r43");
  w.pump->pump(t0 + 1500ms);
  EXPECT_EQ(w.handed.size(), 28u);
  w.pump->pump(t0 + 5500ms);
  EXPECT_EQ(w.handed.size(), 38u) << "an idle bucket holds one second of tokens, no more";
  EXPECT_EQ(w.report.snapshot().readings_replayed, 35u);
  w.pump->pump(t0 + 6500ms);
  EXPECT_EQ(w.handed.size(), 43u);
  EXPECT_EQ(w.pump->pump(t0 + 10s), Clock::time_point::max()) << "replay done: no more wake-ups";
}

TEST(PumpTest, at_most_max_inflight_messages_are_unacknowledged) {
  World w;
  w.options.max_inflight = 3;
  w.boot();
  w.connect();
  w.insert(10);
  w.pump->pump(w.now);
  EXPECT_EQ(w.handed.size(), 3u);
  EXPECT_EQ(w.pump->inflight(), 3u);
  w.pump->pump(w.now);
  EXPECT_EQ(w.handed.size(), 3u) << "a full window takes nothing more";
  w.ack(2);
  w.pump->pump(w.now);
  EXPECT_EQ(w.handed, (std::vector<std::string>{"r1", "r2", "r3", "r4", "r5"}));
  w.publisher->up = false;
  w.ack();
  w.pump->pump(w.now);
  EXPECT_EQ(w.handed.size(), 5u) << "nothing is handed to a publisher that is down";
}

TEST(PumpTest, no_puback_within_ack_timeout_reports_the_lane_and_its_rows_are_republished) {
  World w;
  w.options.ack_timeout = 30s;
  w.boot();
  w.connect();
  w.insert(3);
  w.pump->pump(w.now);
  w.ack(1);
  w.pump->flush_acked();
  EXPECT_TRUE(w.pump->timed_out(w.now + 30s - 1ms).empty());
  EXPECT_EQ(w.pump->timed_out(w.now + 30s), std::vector<OutboxPump::Lane>{0});
  w.publisher->up = false;
  EXPECT_TRUE(w.pump->timed_out(w.now + 60s).empty()) << "only while connected";
  // The owner rebuilds the connection: the old session and its window are gone.
  w.now += 30s;
  w.pump->forget_inflight(0);
  w.publisher->unacked.clear();
  w.connect();
  w.pump->pump(w.now);
  EXPECT_EQ(w.handed, (std::vector<std::string>{"r1", "r2", "r3", "r2", "r3"}));
  w.ack();
  w.pump->flush_acked();
  EXPECT_EQ(w.outbox.count(), 0);
}

TEST(PumpTest, a_reconnect_restarts_the_ack_clock_of_what_the_session_resends) {
  World w;
  w.options.ack_timeout = 30s;
  w.boot();
  w.connect();
  w.insert(1);
  w.pump->pump(w.now);
  w.publisher->up = false;
  w.now += 29s;
  w.connect();
  EXPECT_TRUE(w.pump->timed_out(w.now + 29s).empty());
  EXPECT_FALSE(w.pump->timed_out(w.now + 30s).empty());
}

TEST(PumpTest, a_permanently_rejected_reading_is_dropped_alone_and_does_not_block_the_rest) {
  World w;
  w.spec.batching.max_rows = 10;
  w.boot();
  w.publisher->refuse = [](const std::string&, const std::string& payload) -> std::optional<PublishResult> {
    if (payload.find("r2") == std::string::npos || payload.find("r2") != payload.rfind("r2")) return std::nullopt;
    return PublishResult{5, 0, false, true};
  };
  w.connect();
  w.insert(4);
  w.pump->pump(w.now);
  // The merged message carried r2, so it was split to find the culprit.
  EXPECT_EQ(w.handed, (std::vector<std::string>{"r1", "r3", "r4"}));
  EXPECT_EQ(w.outbox.payloads(), (std::vector<std::string>{"r1", "r3", "r4"}));
  EXPECT_EQ(w.report.snapshot().dropped_rejected, 1u);
  w.ack();
  w.pump->flush_acked();
  w.insert(1);
  w.pump->pump(w.now);
  EXPECT_EQ(w.handed.back(), "r5");
}

TEST(PumpTest, a_transient_refusal_goes_back_to_the_backlog_and_is_retried_paced) {
  World w;
  w.options.replay_rate = 10;
  w.boot();
  int refusals = 1;
  w.publisher->refuse = [&](const std::string&, const std::string&) -> std::optional<PublishResult> {
    if (refusals == 0) return std::nullopt;
    --refusals;
    return PublishResult{14, 0, false, false};
  };
  w.connect();
  w.insert(2);  // live; r1 is refused, r2 waits behind it
  w.pump->pump(w.now);
  EXPECT_TRUE(w.handed.empty());
  EXPECT_EQ(w.outbox.count(), 2) << "kept, not dropped";
  EXPECT_EQ(w.report.snapshot().publish_failures, 1u);
  w.pump->pump(w.now + 100ms);
  EXPECT_EQ(w.handed, (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(w.report.snapshot().readings_replayed, 1u) << "r1 retried by the paced replay, r2 still live";
}

TEST(PumpTest, rows_older_than_max_age_and_beyond_max_messages_are_dropped_oldest_first) {
  World w;
  w.options.max_age = 1h;
  w.options.max_messages = 3;
  w.boot();
  w.insert(2);
  w.outbox.wall_ms += 30 * 60 * 1000;
  w.insert(4);
  w.pump->enforce_caps(w.outbox.wall_ms);
  EXPECT_EQ(w.outbox.payloads(), (std::vector<std::string>{"r4", "r5", "r6"}));
  EXPECT_EQ(w.report.snapshot().dropped_max_messages, 3u);
  w.pump->enforce_caps(w.outbox.wall_ms + 60 * 60 * 1000);
  EXPECT_EQ(w.outbox.payloads(), (std::vector<std::string>{"r4", "r5", "r6"})) << "exactly one hour old is kept";
  w.pump->enforce_caps(w.outbox.wall_ms + 60 * 60 * 1000 + 1);
  EXPECT_EQ(w.outbox.count(), 0);
  const auto stats = w.report.snapshot();
  EXPECT_EQ(stats.dropped_max_age, 3u);
  EXPECT_EQ(stats.dropped_max_messages, 3u);
}

TEST(PumpTest, caps_set_to_zero_drop_nothing) {
  World w;
  w.boot();
  w.insert(5);
  w.pump->enforce_caps(w.outbox.wall_ms + 1'000'000'000);
  EXPECT_EQ(w.outbox.count(), 5);
}

TEST(PumpTest, batches_respect_max_rows_max_bytes_and_merge_only_their_topic) {
  World w;
  w.spec.batching.max_rows = 3;
  w.spec.batching.max_bytes = 10;  // "rN" costs 2 + 2 bytes: two rows fit, a third does not
  w.boot();
  w.connect();
  w.insert(5);
  w.pump->pump(w.now);
  EXPECT_EQ(w.handed, (std::vector<std::string>{"r1,r2", "r3,r4", "r5"}));
  w.ack();
  w.pump->flush_acked();

  w.spec.batching.max_bytes = 1000;
  w.crash();
  w.boot();
  w.connect();
  w.handed.clear();
  w.insert(7);
  std::vector<store::OutboxMessage> other{{"m1", "other", "x1", 0, 0}, {"m1", "other", "x2", 0, 0}};
  ASSERT_TRUE(w.pump->insert(other).has_value());
  w.pump->pump(w.now);
  EXPECT_EQ(w.handed, (std::vector<std::string>{"r6,r7,r8", "r9,r10,r11", "r12", "x1", "x2"}));
}

TEST(PumpTest, unmergeable_payloads_are_sent_one_by_one) {
  World w;
  w.spec.batching.max_rows = 5;
  w.spec.batching.merge = [](std::span<const std::string_view>) -> std::optional<std::string> { return std::nullopt; };
  w.boot();
  w.connect();
  w.insert(3);
  w.pump->pump(w.now);
  EXPECT_EQ(w.handed, (std::vector<std::string>{"r1", "r2", "r3"}));
}

TEST(PumpTest, a_lane_for_one_meter_publishes_only_its_rows) {
  World w;
  w.spec.meter = "m2";
  w.boot();
  w.connect();
  w.insert(2, "m1");
  w.insert(2, "m2");
  w.pump->pump(w.now);
  EXPECT_EQ(w.handed, (std::vector<std::string>{"r3", "r4"}));
}

TEST(PumpTest, control_messages_take_a_window_slot_until_their_puback_and_delete_nothing) {
  World w;
  w.options.max_inflight = 2;
  w.boot();
  w.connect();
  w.pump->send_control(0, "v1/gateway/connect", "hello", w.now);
  w.insert(3);
  w.pump->pump(w.now);
  EXPECT_EQ(w.handed, (std::vector<std::string>{"hello", "r1"}));
  w.ack(1);
  w.pump->flush_acked();
  EXPECT_EQ(w.outbox.count(), 3);
  EXPECT_EQ(w.report.snapshot().messages_acked, 0u) << "not a telemetry message";
  w.pump->pump(w.now);
  EXPECT_EQ(w.handed.back(), "r2");
}

TEST(PumpTest, rows_another_writer_committed_are_live_once_announced_and_never_lost_otherwise) {
  World w;
  w.options.replay_rate = 1;  // a backlog would trickle; live rows do not wait for it
  w.boot();
  w.connect();
  w.insert(1);
  w.pump->pump(w.now);
  // A backfill writes its rows itself (one transaction with its progress mark).
  std::vector<store::OutboxMessage> rows{{"m1", "t", "p1", 0, 0}, {"m1", "t", "p2", 0, 0}, {"m1", "t", "p3", 0, 0}};
  const auto ids = w.outbox.insert(rows);
  ASSERT_TRUE(ids.has_value());
  w.pump->pump(w.now);
  EXPECT_EQ(w.handed, (std::vector<std::string>{"r1"})) << "the pump has not heard of them yet";
  w.pump->inserted(*ids);
  w.pump->pump(w.now);
  EXPECT_EQ(w.handed, (std::vector<std::string>{"r1", "p1", "p2", "p3"}));

  // Never announced: they go out with the next live insert.
  const auto more = w.outbox.insert(rows);
  ASSERT_TRUE(more.has_value());
  w.insert(1);
  w.pump->pump(w.now);
  EXPECT_EQ(w.handed.size(), 8u);
}

TEST(PumpTest, a_failed_outbox_read_publishes_nothing_and_the_next_pump_catches_up) {
  World w;
  w.boot();
  w.connect();
  w.insert(2);
  w.outbox.fail_reads = true;
  w.pump->pump(w.now);
  EXPECT_TRUE(w.handed.empty());
  w.outbox.fail_reads = false;
  w.pump->pump(w.now);
  EXPECT_EQ(w.handed.size(), 2u);
}

}  // namespace
}  // namespace bridge::mqtt::testing
