#include "outbox_pump.h"

#include <algorithm>

#include "bridge/log.h"

namespace bridge::mqtt {
namespace {

using bridge::labels::OutboxDrop;
using bridge::labels::PublishFailure;

constexpr std::size_t kPageRows = 512;  // rows per OutboxStore::pending query
constexpr auto kReplayTick = std::chrono::milliseconds(20);

}  // namespace

OutboxPump::OutboxPump(OutboxStore& store, PumpOptions options, Report& report)
    : store_(store), options_(std::move(options)), report_(report) {
  options_.max_inflight = std::max<std::size_t>(1, options_.max_inflight);
}

OutboxPump::Lane OutboxPump::add_lane(Publisher& publisher, LaneSpec spec) {
  auto lane = std::make_unique<LaneState>();
  lane->publisher = &publisher;
  lane->spec = std::move(spec);
  lane->spec.batching.max_rows = std::max<std::size_t>(1, lane->spec.batching.max_rows);
  lanes_.push_back(std::move(lane));
  return lanes_.size() - 1;
}

store::StoreResult<std::vector<std::int64_t>> OutboxPump::insert(std::span<const store::OutboxMessage> messages) {
  auto ids = store_.insert(messages);
  if (ids) inserted(*ids);
  return ids;
}

void OutboxPump::inserted(std::span<const std::int64_t> ids) {
  if (ids.empty()) return;
  last_inserted_id_ = std::max(last_inserted_id_, ids.back());
  for (auto& lane : lanes_) {
    if (lane->live_from == kUnknownId && lane->publisher->connected()) {
      lane->live_from = ids.front();
      lane->live_cursor = ids.front() - 1;
    }
  }
}

void OutboxPump::connected(Lane index, Clock::time_point now) {
  auto& lane = *lanes_.at(index);
  for (auto& [mid, f] : lane.inflight) f.sent_at = now;
  lane.live_from = last_inserted_id_ > 0 ? last_inserted_id_ + 1 : kUnknownId;
  lane.live_cursor = lane.live_from == kUnknownId ? 0 : lane.live_from - 1;
  lane.replay_cursor = 0;
  lane.replay_pending = true;
  lane.bucket.emplace(options_.replay_rate, 0.0, now);
}

void OutboxPump::forget_inflight(Lane index) {
  auto& lane = *lanes_.at(index);
  lane.inflight.clear();
  lane.inflight_rows.clear();
}

void OutboxPump::acked(Lane index, int mid) {
  if (index >= lanes_.size()) return;
  auto& lane = *lanes_[index];
  auto it = lane.inflight.find(mid);
  if (it == lane.inflight.end()) return;
  InFlight f = std::move(it->second);
  lane.inflight.erase(it);
  if (!f.telemetry) return;
  report_.acked(f.per_meter, f.read_ts_ms);
  for (auto id : f.rows) lane.inflight_rows.erase(id);
  to_delete_.insert(to_delete_.end(), f.rows.begin(), f.rows.end());
}

void OutboxPump::flush_acked() {
  if (to_delete_.empty()) return;
  auto res = store_.remove(to_delete_);
  if (!res) {
    // The rows stay and are republished after a restart: a duplicate with identical content.
    log::error("outbox delete failed", {{"rows", to_delete_.size()}, {"error", res.error().message}});
  }
  to_delete_.clear();
}

void OutboxPump::send_control(Lane index, const std::string& topic, const std::string& payload,
                              Clock::time_point now) {
  auto& lane = *lanes_.at(index);
  auto res = lane.publisher->publish(topic, payload);
  if (res.queued) {
    InFlight f;
    f.sent_at = now;
    f.telemetry = false;
    lane.inflight[res.mid] = std::move(f);
  } else {
    report_.publish_failure(PublishFailure::rejected);
    log::warn("mqtt control publish rejected", {{"topic", topic}, {"rc", res.rc}});
  }
}

OutboxPump::Clock::time_point OutboxPump::pump(Clock::time_point now) {
  Clock::time_point wake = Clock::time_point::max();
  for (auto& lp : lanes_) {
    auto& lane = *lp;
    if (!lane.publisher->connected()) continue;
    if (lane.replay_pending && lane.bucket) {
      const std::size_t budget = lane.bucket->available(now);
      if (budget > 0) {
        bool exhausted = false;
        const std::size_t n = pump_rows(lane, lane.replay_cursor, lane.live_from, budget, exhausted, now);
        lane.bucket->consume(n);
        report_.replayed(n);
        if (exhausted) lane.replay_pending = false;
      }
      if (lane.replay_pending && lane.inflight.size() < options_.max_inflight) {
        // Wake for a batch's worth of tokens, not for every single one.
        wake = std::min(wake, now + std::max<Clock::duration>(lane.bucket->time_to_next(now), kReplayTick));
      }
    }
    if (lane.live_from != kUnknownId && last_inserted_id_ > lane.live_cursor) {
      bool exhausted = false;
      pump_rows(lane, lane.live_cursor, kUnknownId, std::numeric_limits<std::size_t>::max(), exhausted, now);
    }
  }
  return wake;
}

// Publishes rows with id in (cursor, bound) for the lane, at most `budget` readings and while
// the window has room. Returns the readings handed out; sets exhausted when no row below bound
// is left.
std::size_t OutboxPump::pump_rows(LaneState& lane, std::int64_t& cursor, std::int64_t bound, std::size_t budget,
                                  bool& exhausted, Clock::time_point now) {
  exhausted = false;
  std::size_t sent = 0;
  const Batching& batching = lane.spec.batching;
  while (lane.publisher->connected() && lane.inflight.size() < options_.max_inflight && sent < budget) {
    // Small budgets (paced replay) still read a useful page: in-flight rows at the head are skipped.
    const std::size_t want = std::clamp<std::size_t>(budget - sent, 64, kPageRows);
    auto page = store_.pending(cursor, want);
    if (!page) {
      log::error("outbox read failed", {{"error", page.error().message}});
      return sent;
    }
    if (page->empty()) {
      exhausted = true;
      return sent;
    }
    std::vector<const store::OutboxRow*> batch;
    std::size_t batch_bytes = 0;
    bool stop = false;
    bool whole_page = true;  // every row of the page was looked at
    for (const auto& row : *page) {
      if (row.id >= bound) {
        exhausted = true;
        stop = true;
        break;
      }
      const bool mine = lane.spec.meter.empty() || row.meter == lane.spec.meter;
      if (!mine || lane.inflight_rows.count(row.id) != 0) {
        if (batch.empty()) cursor = row.id;
        continue;
      }
      const bool fits = !batch.empty() && batch.size() < batching.max_rows && row.topic == batch.front()->topic &&
                        row.topic == batching.topic &&
                        batch_bytes + row.payload.size() + 2 <= batching.max_bytes;
      if (!batch.empty() && !fits) {
        if (!send_batch(lane, batch, now)) return sent;
        sent += batch.size();
        cursor = batch.back()->id;
        batch.clear();
        batch_bytes = 0;
        if (lane.inflight.size() >= options_.max_inflight || sent >= budget) {
          stop = true;
          break;
        }
      }
      batch.push_back(&row);
      batch_bytes += row.payload.size() + 2;
      if (sent + batch.size() >= budget) {
        whole_page = &row == &page->back();
        break;
      }
    }
    if (!batch.empty()) {
      if (!send_batch(lane, batch, now)) return sent;
      sent += batch.size();
      // Skipped rows after the batch are rescanned next time; harmless.
      cursor = batch.back()->id;
    }
    if (stop) return sent;
    if (whole_page && page->size() < want) {
      exhausted = true;
      return sent;
    }
  }
  return sent;
}

// One message for the batch. Returns false when the lane cannot take more now (refused for a
// reason that may pass): the rows went back to the backlog.
bool OutboxPump::send_batch(LaneState& lane, const std::vector<const store::OutboxRow*>& batch,
                            Clock::time_point now) {
  std::string payload;
  if (batch.size() == 1) {
    payload = batch.front()->payload;
  } else {
    std::vector<std::string_view> parts;
    parts.reserve(batch.size());
    for (const auto* r : batch) parts.emplace_back(r->payload);
    auto merged = lane.spec.batching.merge ? lane.spec.batching.merge(parts) : std::nullopt;
    if (!merged) {
      // Not mergeable (foreign payload): send them one by one.
      for (const auto* r : batch) {
        if (!send_batch(lane, {r}, now)) return false;
      }
      return true;
    }
    payload = std::move(*merged);
  }
  auto res = lane.publisher->publish(batch.front()->topic, payload);
  if (!res.queued) {
    report_.publish_failure(PublishFailure::rejected);
    log::error("mqtt publish rejected", {{"topic", batch.front()->topic}, {"rc", res.rc},
                                         {"bytes", payload.size()}, {"readings", batch.size()},
                                         {"permanent", res.permanent}});
    if (res.permanent && batch.size() > 1) {
      // Find the culprit: one bad reading must not take its batch mates down.
      for (const auto* r : batch) {
        if (!send_batch(lane, {r}, now)) return false;
      }
      return true;
    }
    if (res.permanent) {
      drop_rejected(*batch.front(), res.rc, payload.size());
      return true;
    }
    report_.emit(Severity::warning, "mqtt",
                 "MQTT publish refused by the client library (rc " + std::to_string(res.rc) + "), retried",
                 details_json({{"reason", "rejected"}, {"topic", batch.front()->topic}, {"bytes", payload.size()}}));
    // Back to the backlog: retried at the replay pace, not in a hot loop.
    const std::int64_t first = batch.front()->id;
    const std::int64_t last = batch.back()->id;
    if (lane.live_from != kUnknownId && last >= lane.live_from) {
      lane.live_from = last + 1;
      lane.live_cursor = std::max(lane.live_cursor, last);
    }
    lane.replay_cursor = std::min(lane.replay_cursor, first - 1);
    lane.replay_pending = true;
    return false;
  }
  InFlight f;
  f.sent_at = now;
  f.rows.reserve(batch.size());
  f.read_ts_ms.reserve(batch.size());
  for (const auto* r : batch) {
    f.rows.push_back(r->id);
    f.read_ts_ms.push_back(r->ts_ms);
    lane.inflight_rows.insert(r->id);
    if (!f.per_meter.empty() && f.per_meter.back().first == r->meter) {
      f.per_meter.back().second++;  // the common case: a meter's readings are adjacent
      continue;
    }
    auto it = std::find_if(f.per_meter.begin(), f.per_meter.end(), [&](const auto& p) { return p.first == r->meter; });
    if (it == f.per_meter.end()) {
      f.per_meter.emplace_back(r->meter, 1);
    } else {
      it->second++;
    }
  }
  lane.inflight[res.mid] = std::move(f);
  report_.published();
  return true;
}

// It can never be published: dropped (counted, logged, event) rather than block the outbox
// behind it forever.
void OutboxPump::drop_rejected(const store::OutboxRow& row, int rc, std::size_t bytes) {
  const std::int64_t id = row.id;
  if (auto del = store_.remove(std::span<const std::int64_t>(&id, 1)); !del) {
    log::error("outbox delete failed", {{"error", del.error().message}});
  }
  report_.emit(Severity::error, "mqtt", "MQTT publish rejected for good (rc " + std::to_string(rc) + "), reading dropped",
               details_json({{"reason", "rejected"}, {"topic", row.topic}, {"bytes", bytes}, {"ts", row.ts_ms}}),
               row.meter);
  report_.dropped(OutboxDrop::rejected, 1);
}

std::vector<OutboxPump::Lane> OutboxPump::timed_out(Clock::time_point now) const {
  std::vector<Lane> out;
  for (Lane i = 0; i < lanes_.size(); ++i) {
    const auto& lane = *lanes_[i];
    if (!lane.publisher->connected() || lane.inflight.empty()) continue;
    auto oldest = Clock::time_point::max();
    for (const auto& [mid, f] : lane.inflight) oldest = std::min(oldest, f.sent_at);
    if (now - oldest >= options_.ack_timeout) out.push_back(i);
  }
  return out;
}

void OutboxPump::enforce_caps(std::int64_t wall_ms) {
  if (options_.max_messages <= 0 && options_.max_age.count() <= 0) return;
  auto res = store_.enforce_caps(options_.max_messages, options_.max_age, wall_ms);
  if (!res) {
    log::error("outbox cap enforcement failed", {{"error", res.error().message}});
    return;
  }
  report_.dropped(OutboxDrop::max_age, static_cast<std::uint64_t>(res->max_age));
  report_.dropped(OutboxDrop::max_messages, static_cast<std::uint64_t>(res->max_messages));
}

void OutboxPump::report_outbox() {
  if (!report_.wants_outbox()) return;
  std::optional<std::int64_t> oldest;
  if (auto res = store_.oldest_ts(); res) oldest = *res;
  report_.outbox(store_.count(), oldest);
}

std::size_t OutboxPump::inflight() const {
  std::size_t n = 0;
  for (const auto& lane : lanes_) n += lane->inflight.size();
  return n;
}

std::size_t OutboxPump::inflight(Lane lane) const { return lanes_.at(lane)->inflight.size(); }

}  // namespace bridge::mqtt
