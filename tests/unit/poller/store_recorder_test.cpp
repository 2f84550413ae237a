// StoreRecorder: what the store keeps of the sessions' reports, against a real SQLite store:
// inventory rows follow state and error changes at once but new successes at most once a
// minute; HDLC errors keep their frame only when the codec reported one; events keep their
// repeat count.
#include "bridge/poller/store_recorder.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "bridge/store/store.h"
#include "bridge/wall_clock.h"

namespace bridge::poller {
namespace {

class StoreRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("store_recorder_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto s = store::Store::open(dir_ / "bridge.db");
    ASSERT_TRUE(s) << s.error().message;
    store = std::move(*s);
    store::MeterInventory m;
    m.id = "m1";
    m.host = "127.0.0.1";
    m.port = 4059;
    ASSERT_TRUE(store->sync_meters({m}).get());
  }
  void TearDown() override {
    store.reset();
    std::filesystem::remove_all(dir_);
  }
  store::MeterRecord row() {
    store->flush().wait();
    auto r = store->meter("m1");
    EXPECT_TRUE(r && *r);
    return **r;
  }
  static MeterStatus status(MeterState state, std::int64_t last_success_ms, std::string error = {}) {
    MeterStatus s;
    s.id = "m1";
    s.state = state;
    s.last_success_ms = last_success_ms;
    s.last_error = std::move(error);
    return s;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store;
};

TEST_F(StoreRecorderTest, successes_are_written_at_most_once_a_minute_but_state_and_error_changes_at_once) {
  StoreRecorder recorder(*store);
  recorder.on_meter_added("m1", false);
  const std::int64_t t = wall_ms();
  recorder.on_status(status(MeterState::idle, t));
  EXPECT_EQ(row().status, "idle");
  EXPECT_EQ(row().last_success_ms, t);

  recorder.on_status(status(MeterState::idle, t + 1000));  // a new success within the minute
  EXPECT_EQ(row().last_success_ms, t);

  recorder.on_status(status(MeterState::backoff, t + 1000, "timeout: no UA"));  // state and error change
  EXPECT_EQ(row().status, "backoff");
  EXPECT_EQ(row().last_error, "timeout: no UA");
  EXPECT_EQ(row().last_success_ms, t + 1000);
}

TEST_F(StoreRecorderTest, a_re_added_meter_starts_its_row_afresh) {
  StoreRecorder recorder(*store);
  recorder.on_meter_added("m1", false);
  const std::int64_t t = wall_ms();
  recorder.on_status(status(MeterState::idle, t));
  recorder.on_meter_removed("m1");
  recorder.on_meter_added("m1", false);
  recorder.on_status(status(MeterState::idle, t + 500));  // same state, but a new session: written
  EXPECT_EQ(row().last_success_ms, t + 500);
}

TEST_F(StoreRecorderTest, hdlc_frames_are_kept_only_when_the_codec_reported_them) {
  StoreRecorder recorder(*store);
  recorder.on_hdlc_error("m1", labels::HdlcError::fcs, nullptr);
  const std::string frame = "7ea0";
  recorder.on_hdlc_error("m1", labels::HdlcError::fcs, &frame);
  store->flush().wait();
  auto d = store->diagnostics("m1");
  ASSERT_TRUE(d);
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].diagnostic.frame_hex, frame);
}

TEST_F(StoreRecorderTest, a_tolerated_protocol_anomaly_is_a_diagnostics_row) {
  StoreRecorder recorder(*store);
  recorder.on_protocol_warning("m1", "3 byte(s) after the complete value of reply to GET 0-0:1.0.0 (ignored)");
  store->flush().wait();
  auto d = store->diagnostics("m1");
  ASSERT_TRUE(d);
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].diagnostic.kind, "protocol_warning");
  EXPECT_NE((*d)[0].diagnostic.message.find("3 byte(s) after the complete value"), std::string::npos);
}

TEST_F(StoreRecorderTest, events_keep_their_repeat_count) {
  StoreRecorder recorder(*store);
  Event e;
  e.ts_ms = wall_ms();
  e.meter = "m1";
  e.severity = Severity::warning;
  e.category = "connection";
  e.message = "connection failed";
  recorder.on_event(e, 3);
  store->flush().wait();
  auto events = store->events();
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].repeat_count, 3);
}

}  // namespace
}  // namespace bridge::poller
