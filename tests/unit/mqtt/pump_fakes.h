#pragma once
// Fakes for driving the outbox pump without SQLite, a broker or a clock: an in-memory outbox
// with the Store's semantics (FIFO ids never reused, drop-oldest caps), a publisher whose
// session can be scripted (up/down, refusals, which mids are still unacknowledged), and a
// world that wires them to an OutboxPump and can crash it (drop the pump and the client's
// session, keep the outbox) at any point.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "outbox_pump.h"

namespace bridge::mqtt::testing {

using namespace std::chrono_literals;
using Clock = OutboxPump::Clock;

class FakeOutbox final : public OutboxStore {
 public:
  std::map<std::int64_t, store::OutboxRow> rows;
  std::int64_t next_id = 1;
  std::int64_t wall_ms = 1'700'000'000'000;  // the store's clock for created_ms
  bool fail_reads = false;

  store::StoreResult<std::vector<std::int64_t>> insert(std::span<const store::OutboxMessage> messages) override {
    std::vector<std::int64_t> ids;
    for (const auto& m : messages) {
      store::OutboxRow r{next_id++, m.meter, m.topic, m.payload, m.ts_ms, m.created_ms ? m.created_ms : wall_ms, 0};
      rows[r.id] = r;
      ids.push_back(r.id);
    }
    return ids;
  }
  store::StoreResult<std::int64_t> remove(std::span<const std::int64_t> ids) override {
    std::int64_t n = 0;
    for (auto id : ids) n += static_cast<std::int64_t>(rows.erase(id));
    return n;
  }
  store::StoreResult<std::vector<store::OutboxRow>> pending(std::int64_t after_id, std::size_t limit) const override {
    if (fail_reads) return fail(store::StoreError{store::StoreErrorKind::io, "fake read failure"});
    std::vector<store::OutboxRow> out;
    for (auto it = rows.upper_bound(after_id); it != rows.end() && out.size() < limit; ++it) out.push_back(it->second);
    return out;
  }
  store::StoreResult<store::DropCounts> enforce_caps(std::int64_t max_messages, std::chrono::milliseconds max_age,
                                                     std::int64_t now_ms) override {
    store::DropCounts d;
    if (max_age.count() > 0) {
      while (!rows.empty() && rows.begin()->second.created_ms < now_ms - max_age.count()) {
        rows.erase(rows.begin());
        d.max_age++;
      }
    }
    while (max_messages > 0 && static_cast<std::int64_t>(rows.size()) > max_messages) {
      rows.erase(rows.begin());
      d.max_messages++;
    }
    return d;
  }
  std::int64_t count() const override { return static_cast<std::int64_t>(rows.size()); }
  store::StoreResult<std::optional<std::int64_t>> oldest_ts() const override {
    if (rows.empty()) return std::optional<std::int64_t>{};
    return std::optional<std::int64_t>{rows.begin()->second.ts_ms};
  }
  std::vector<std::string> payloads() const {
    std::vector<std::string> out;
    for (const auto& [id, r] : rows) out.push_back(r.payload);
    return out;
  }
};

// One client session. A message handed over is in the session's memory only: it reaches the
// broker (`wire`) when the test delivers it, with or without its PUBACK coming back. A crash
// loses whatever the session held and the broker never got, as kill -9 does to libmosquitto.
class ScriptedPublisher final : public Publisher {
 public:
  ScriptedPublisher(std::vector<std::string>& handed, std::vector<std::string>& wire) : handed_(handed), wire_(wire) {}

  bool up = false;
  // Returns a refusal for this message, or nullopt to accept it.
  std::function<std::optional<PublishResult>(const std::string& topic, const std::string& payload)> refuse;
  std::vector<int> unacked;  // mids handed over, oldest first
  std::map<int, std::string> payload_of;
  std::set<int> delivered;

  PublishResult publish(const std::string& topic, const std::string& payload) override {
    if (refuse) {
      if (auto r = refuse(topic, payload)) return *r;
    }
    const int mid = next_mid_++;
    unacked.push_back(mid);
    payload_of[mid] = payload;
    handed_.push_back(payload);
    return PublishResult{0, mid, true, false};
  }
  bool connected() const override { return up; }
  // The broker receives the message (once per session; a PUBACK may or may not follow).
  void deliver(int mid) {
    if (delivered.insert(mid).second) wire_.push_back(payload_of.at(mid));
  }

 private:
  std::vector<std::string>& handed_;
  std::vector<std::string>& wire_;
  int next_mid_ = 1;
};

// Readings are payloads "r1", "r2", …; a merged message joins them with ','.
inline std::optional<std::string> join_payloads(std::span<const std::string_view> parts) {
  std::string out;
  for (auto p : parts) {
    if (!out.empty()) out += ',';
    out += p;
  }
  return out;
}

inline std::vector<std::string> readings_in(const std::string& payload) {
  std::vector<std::string> out;
  std::stringstream ss(payload);
  for (std::string item; std::getline(ss, item, ',');) out.push_back(item);
  return out;
}

struct World {
  FakeOutbox outbox;
  std::vector<std::string> handed;  // every message any session was given
  std::vector<std::string> wire;    // every message the broker received
  Report report{nullptr, nullptr};
  PumpOptions options;
  LaneSpec spec;
  Clock::time_point now = Clock::time_point{} + 1h;
  std::unique_ptr<ScriptedPublisher> publisher;
  std::unique_ptr<OutboxPump> pump;
  int next_reading = 1;

  World() {
    spec.batching.topic = "t";
    spec.batching.merge = join_payloads;
    options.replay_rate = 0;  // unpaced unless a test paces it
  }

  // A process starts: a new pump and a new client session over the same outbox.
  void boot() {
    publisher = std::make_unique<ScriptedPublisher>(handed, wire);
    pump = std::make_unique<OutboxPump>(outbox, options, report);
    pump->add_lane(*publisher, spec);
  }
  // kill -9: the pump and the client's memory are gone; the outbox stays.
  void crash() {
    pump.reset();
    publisher.reset();
  }
  void connect() {
    publisher->up = true;
    pump->connected(0, now);
  }
  std::vector<std::string> insert(int n, const std::string& meter = "m1") {
    std::vector<store::OutboxMessage> batch;
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) {
      names.push_back("r" + std::to_string(next_reading++));
      batch.push_back(store::OutboxMessage{meter, "t", names.back(), outbox.wall_ms, 0});
    }
    EXPECT_TRUE(pump->insert(batch).has_value());
    return names;
  }
  // The broker receives the n oldest unacknowledged messages (all: n < 0) and acknowledges them.
  void ack(int n = -1) {
    auto& u = publisher->unacked;
    const std::size_t k = n < 0 ? u.size() : std::min<std::size_t>(u.size(), static_cast<std::size_t>(n));
    std::vector<int> mids(u.begin(), u.begin() + static_cast<std::ptrdiff_t>(k));
    u.erase(u.begin(), u.begin() + static_cast<std::ptrdiff_t>(k));
    for (int mid : mids) {
      publisher->deliver(mid);
      pump->acked(0, mid);
    }
  }
  // The broker receives the n oldest unacknowledged messages, but no PUBACK comes back (yet).
  void receive(int n) {
    const auto& u = publisher->unacked;
    for (std::size_t i = 0; i < u.size() && i < static_cast<std::size_t>(n); ++i) publisher->deliver(u[i]);
  }
  // Publishes and acknowledges until the outbox is empty.
  void run_to_completion() {
    for (int i = 0; i < 1000 && !outbox.rows.empty(); ++i) {
      pump->pump(now);
      ack();
      pump->flush_acked();
      now += 100ms;
    }
    EXPECT_TRUE(outbox.rows.empty());
  }
  // How often the broker received each reading.
  std::map<std::string, int> deliveries() const {
    std::map<std::string, int> out;
    for (const auto& m : wire)
      for (const auto& r : readings_in(m)) out[r]++;
    return out;
  }
};

}  // namespace bridge::mqtt::testing
