#pragma once
// The outbox pump: which outbox rows go out when, and the at-least-once books.
//
// Sans-I/O: it reads and deletes rows through OutboxStore, hands messages to a Publisher per
// lane (one lane per connection), hears PUBACKs as acked(lane, mid) calls, and takes the time
// as a parameter. It owns no thread and no socket; the exporter drives it, unit tests drive it
// with a fake clock, an in-memory outbox and a scripted publisher (tests/unit/mqtt).
//
// The rules it keeps:
//  * A row is deleted only after the PUBACK of the message that carried it (acked, then
//    flush_acked). A crash at any point leaves every unacknowledged row in the outbox, so the
//    next pump over the same outbox sends it again: a duplicate only of something that may
//    have been delivered already, which QoS 1 allows.
//  * Window: at most max_inflight messages per lane are unacknowledged (control messages count).
//  * Live vs backlog: when a lane connects, every row not in its window is backlog, replayed
//    oldest-first at replay_rate; rows inserted afterwards are live and go out unpaced. Per
//    meter each stream is in order; the two interleave.
//  * A message the client refuses for good is dropped alone (a batch is split to find it), so
//    it cannot block the outbox; a transient refusal goes back to the backlog (paced retry).
//  * A lane whose oldest message waited ack_timeout for its PUBACK while connected is reported
//    by timed_out(); its owner rebuilds the connection and calls forget_inflight().
// The pump is generic over rows: it knows topics and payloads, never what a row means.
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bridge/mqtt/token_bucket.h"
#include "outbox_store.h"
#include "publisher.h"
#include "report.h"

namespace bridge::mqtt {

// How rows are merged into one message (ThingsBoard gateway telemetry); max_rows 1: never.
struct Batching {
  std::size_t max_rows = 1;
  std::size_t max_bytes = 65536;  // merged payload, counting 2 bytes of overhead per row
  std::string topic;              // only rows published on this topic are merged
  // Merged payload, or nullopt when the payloads cannot be merged (then sent one by one).
  std::function<std::optional<std::string>(std::span<const std::string_view>)> merge;
};

struct LaneSpec {
  std::string meter;  // publish only this meter's rows (device mode); empty: every row
  Batching batching;
};

struct PumpOptions {
  std::size_t max_inflight = 100;  // per lane, at least 1
  double replay_rate = 1000.0;     // backlog readings per second; <= 0: unpaced
  std::chrono::milliseconds ack_timeout{30000};
  std::int64_t max_messages = 0;      // outbox cap, <= 0: off
  std::chrono::milliseconds max_age{0};  // outbox cap (by created time), <= 0: off
};

class OutboxPump {
 public:
  using Clock = std::chrono::steady_clock;
  using Lane = std::size_t;

  OutboxPump(OutboxStore& store, PumpOptions options, Report& report);

  // publisher must outlive the pump. Lanes are numbered 0, 1, … in the order added.
  Lane add_lane(Publisher& publisher, LaneSpec spec);

  // Writes messages in one transaction; on success their rows are live for connected lanes.
  store::StoreResult<std::vector<std::int64_t>> insert(std::span<const store::OutboxMessage> messages);
  // Rows another writer committed to the outbox (ids ascending), e.g. profile rows inserted in
  // one transaction with their progress mark: live from now on, like rows from insert().
  // Without this call they still go out, with the next insert or as backlog at the next connect.
  void inserted(std::span<const std::int64_t> ids);

  // The lane's publisher got a CONNACK: every row not in its window becomes backlog (paced
  // replay); messages still in the window are resent by the client itself, so their ack
  // clocks restart.
  void connected(Lane lane, Clock::time_point now);
  // The client was destroyed with everything it held: the window is forgotten and its rows
  // are republished as backlog after the next connected().
  void forget_inflight(Lane lane);

  // Hands rows to every connected lane: live rows unpaced, backlog at replay_rate, within the
  // window. Returns when the paced replay wants to run again (time_point::max(): no need).
  Clock::time_point pump(Clock::time_point now);

  // PUBACK for mid on lane: accounted now, rows deleted at the next flush_acked().
  void acked(Lane lane, int mid);
  // Deletes the rows of every PUBACK since the last flush, in one transaction.
  void flush_acked();

  // A message that is not an outbox row (gateway connect/attributes): takes a window slot
  // until its PUBACK; refused: counted, never retried.
  void send_control(Lane lane, const std::string& topic, const std::string& payload, Clock::time_point now);

  // Connected lanes whose oldest unacknowledged message was sent ack_timeout or more ago.
  std::vector<Lane> timed_out(Clock::time_point now) const;
  // Drop-oldest caps; drops are reported per reason.
  void enforce_caps(std::int64_t wall_ms);
  // outbox_messages / outbox_oldest_timestamp_seconds.
  void report_outbox();

  std::size_t inflight() const;  // every lane
  std::size_t inflight(Lane lane) const;
  std::size_t lanes() const { return lanes_.size(); }

 private:
  static constexpr std::int64_t kUnknownId = std::numeric_limits<std::int64_t>::max();

  struct InFlight {
    std::vector<std::int64_t> rows;        // empty for a control message
    std::vector<std::int64_t> read_ts_ms;  // per row: the reading's read time (latency)
    MeterCounts per_meter;
    Clock::time_point sent_at;
    bool telemetry = true;
  };

  struct LaneState {
    Publisher* publisher = nullptr;
    LaneSpec spec;
    std::unordered_map<int, InFlight> inflight;
    std::unordered_set<std::int64_t> inflight_rows;
    // Rows with id >= live_from are live (live_cursor = last one handed out); older rows are
    // the backlog, replayed paced from replay_cursor. kUnknownId until the first insert after
    // the connect: everything already in the outbox is backlog.
    std::int64_t live_from = kUnknownId;
    std::int64_t live_cursor = 0;
    std::int64_t replay_cursor = 0;
    bool replay_pending = true;
    std::optional<TokenBucket> bucket;  // set at each connect
  };

  std::size_t pump_rows(LaneState& lane, std::int64_t& cursor, std::int64_t bound, std::size_t budget,
                        bool& exhausted, Clock::time_point now);
  bool send_batch(LaneState& lane, const std::vector<const store::OutboxRow*>& batch, Clock::time_point now);
  void drop_rejected(const store::OutboxRow& row, int rc, std::size_t bytes);

  OutboxStore& store_;
  PumpOptions options_;
  Report& report_;
  std::vector<std::unique_ptr<LaneState>> lanes_;
  std::int64_t last_inserted_id_ = 0;
  std::vector<std::int64_t> to_delete_;
};

}  // namespace bridge::mqtt
