#pragma once
// MQTT exporter: every reading goes into the durable SQLite outbox first, is published with
// QoS 1, and its row is deleted only when the PUBACK for that message id arrives. Nothing is
// lost silently: a reading leaves the outbox either acknowledged by the broker or dropped by an
// explicit cap, and every drop is counted (outbox_dropped_total{reason}), logged and recorded
// as an event.
//
// Threads:
//  * the caller (poller) only queues: on_reading() never blocks;
//  * one publisher thread batches queued readings into outbox transactions, hands messages to
//    libmosquitto within a bounded in-flight window, deletes acknowledged rows, replays the
//    backlog at replay_rate, enforces the caps and refreshes the outbox gauges;
//  * one network thread per connection (see connection.h).
//
// Delivery: at-least-once. A reading can be delivered twice only as a redelivery with
// identical content (libmosquitto's DUP resend after a reconnect, or the republish from the
// outbox after a crash, an ack timeout or a rejected publish). Per meter, the backlog and the
// live stream are each published oldest-first; after a reconnect the backlog is replayed paced
// while live readings keep flowing, so the two interleave (ThingsBoard orders by ts).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bridge/event.h"
#include "bridge/mqtt/meter_info.h"
#include "bridge/mqtt/observer.h"
#include "bridge/mqtt/options.h"
#include "bridge/reading.h"

namespace bridge::store {
class Store;
}

namespace bridge::mqtt {

// Cumulative counters since construction (tests, benchmarks, the status page).
struct ExporterStats {
  std::uint64_t readings_received = 0;   // on_reading calls accepted into the queue
  std::uint64_t readings_stored = 0;     // rows inserted into the outbox
  std::uint64_t messages_published = 0;  // PUBLISH handed to libmosquitto (incl. republish)
  std::uint64_t messages_acked = 0;      // PUBACKs of telemetry messages
  std::uint64_t readings_acked = 0;      // readings whose PUBACK arrived (rows deleted)
  std::uint64_t readings_replayed = 0;   // backlog rows published by the paced replay
  std::uint64_t dropped_max_messages = 0;
  std::uint64_t dropped_max_age = 0;
  std::uint64_t dropped_store_error = 0;
  std::uint64_t dropped_rejected = 0;  // refused for good by the client (invalid topic, too large)
  std::uint64_t publish_failures = 0;  // all reasons
  std::uint64_t auth_failures = 0;
  std::uint64_t tls_failures = 0;
  std::uint64_t ack_timeouts = 0;
  std::uint64_t connects = 0;  // successful CONNACKs (first + reconnects)
  std::size_t inflight = 0;    // messages handed to libmosquitto, not yet acknowledged
  bool connected = false;      // every connection is up
};

// Rows of one load profile of one meter, oldest first (Reading::ts_ms = the capture time on
// the meter's clock), to publish once each (docs/contract.md, "Load-profile backfill").
struct ProfileRows {
  std::string meter;
  std::string profile;  // the profile's OBIS text, e.g. "1-0:99.1.0"
  std::vector<Reading> rows;
};

// After rows of a profile entered the outbox together with their progress mark (publisher
// thread): `inserted` rows are new, `last_row_ms` is the mark now.
using ProfileStoredFn = std::function<void(const std::string& meter, const std::string& profile,
                                           std::int64_t last_row_ms, std::size_t inserted)>;

class Exporter final : public bridge::ReadingSink {
 public:
  // store must outlive the exporter. events/observer may be null.
  Exporter(Options options, bridge::store::Store& store, bridge::EventSink* events = nullptr,
           Observer* observer = nullptr);
  ~Exporter() override;
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  // Starts the publisher thread and the connection(s). Rows left in the outbox by an earlier
  // run (crash, outage) become the backlog and are replayed oldest-first.
  void start();
  // Graceful stop: stops accepting readings, writes every queued reading to the outbox, waits
  // up to flush_timeout for the PUBACKs of messages in flight (no new publishes), disconnects.
  // Whatever is not acknowledged stays in the outbox for the next start. Idempotent.
  void stop(std::chrono::milliseconds flush_timeout = std::chrono::seconds(5));

  // bridge::ReadingSink: queues and returns (never blocks on SQLite or the network).
  void on_reading(const bridge::Reading& reading) override;
  // Gateway mode: v1/gateway/connect + v1/gateway/attributes now (if connected) and after every
  // (re)connect. Device mode: opens the meter's own connection with its device token.
  void on_meter_added(const MeterInfo& meter);
  // Queues load-profile rows and returns. The publisher thread writes the rows after the
  // stored progress mark together with the mark (one transaction: a row already in the outbox
  // once is never inserted again, even across restarts), then publishes them like readings.
  // A failed insert is retried; rows still queued at stop are dropped and read again after
  // the restart (the mark did not move). They count in meter_readings_total when stored.
  void on_profile_rows(ProfileRows rows);
  // Called after every profile insert that moved a mark. Set before start().
  void set_profile_stored(ProfileStoredFn fn);

  ExporterStats stats() const;
  bool connected() const;
  const Options& options() const { return options_; }

  struct Impl;

 private:
  Options options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bridge::mqtt
