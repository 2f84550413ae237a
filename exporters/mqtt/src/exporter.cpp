#include "bridge/mqtt/exporter.h"

#include <mosquitto.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "bridge/log.h"
#include "bridge/mqtt/payload.h"
#include "bridge/mqtt/token_bucket.h"
#include "bridge/store/store.h"
#include "bridge/version.h"
#include "connection.h"
#include "stats_board.h"
#include "bridge/wall_clock.h"

namespace bridge::mqtt {
namespace {

using bridge::labels::OutboxDrop;
using bridge::labels::PublishFailure;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kUnknownId = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t kPageRows = 512;       // rows per outbox_pending query
constexpr auto kHousekeeping = std::chrono::milliseconds(250);
constexpr auto kGaugeInterval = std::chrono::seconds(1);
constexpr auto kStoreRetry = std::chrono::seconds(1);
constexpr auto kReplayTick = std::chrono::milliseconds(20);


std::string details_json(std::initializer_list<std::pair<const char*, nlohmann::json>> fields) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : fields) j[k] = v;
  return j.dump();
}

// Codes for which retrying the same PUBLISH can never succeed.
bool is_permanent_rejection(int rc) {
  return rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_PAYLOAD_SIZE || rc == MOSQ_ERR_MALFORMED_UTF8 ||
         rc == MOSQ_ERR_OVERSIZE_PACKET || rc == MOSQ_ERR_QOS_NOT_SUPPORTED || rc == MOSQ_ERR_NOT_SUPPORTED;
}

struct InFlight {
  std::vector<std::int64_t> rows;
  std::vector<std::int64_t> read_ts_ms;  // per row: the reading's read time (publish latency)
  std::vector<std::pair<std::string, std::uint64_t>> per_meter;  // readings per meter
  Clock::time_point sent_at;
  bool telemetry = true;
};

struct Channel {
  std::string meter;  // device mode: the one meter this connection publishes; empty: all
  ConnectionSettings settings;
  std::unique_ptr<Connection> conn;
  std::uint64_t generation = 0;
  bool connected = false;
  bool ever_connected = false;
  bool failing = false;
  PublishFailure last_failure = PublishFailure::not_connected;
  std::unordered_map<int, InFlight> inflight;
  std::unordered_set<std::int64_t> inflight_rows;
  // Rows with id >= live_from are live (published unpaced, live_cursor = last one handed out);
  // older rows are the backlog, replayed paced from replay_cursor. kUnknownId until the first
  // insert after start: everything already in the outbox is backlog.
  std::int64_t live_from = kUnknownId;
  std::int64_t live_cursor = 0;
  std::int64_t replay_cursor = 0;
  bool replay_pending = true;
  std::optional<TokenBucket> bucket;
};

struct NetEvent {
  enum class Kind { connected, failed, acked } kind;
  std::size_t channel = 0;
  std::uint64_t generation = 0;
  int mid = 0;
  PublishFailure reason = PublishFailure::not_connected;
  std::string detail;
  bool was_connected = false;
};

}  // namespace

struct Exporter::Impl {
  Impl(const Options& o, store::Store& s, EventSink* e, Observer* obs) : options(o), store(s), events(e), observer(obs) {}

  const Options& options;
  store::Store& store;
  EventSink* events;
  Observer* observer;

  // ---- shared with producers and network threads (guarded by mutex) ----
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<Reading> queue;
  std::deque<NetEvent> net;
  std::vector<MeterInfo> added;
  bool started = false;
  bool stop_requested = false;
  bool stopped = false;
  Clock::time_point flush_deadline;

  StatsBoard counters;  // any thread reads

  // ---- publisher thread only ----
  std::thread thread;
  std::vector<std::unique_ptr<Channel>> channels;
  std::map<std::string, MeterInfo> meters;          // known meters by id
  std::map<std::string, std::size_t> device_channel;  // device mode: meter id -> channel index
  std::deque<Reading> unstored;                     // readings whose outbox insert failed
  Clock::time_point store_retry_at{};
  std::int64_t last_inserted_id = 0;
  Clock::time_point next_caps{}, next_gauges{};
  bool store_failing = false;

  // ------------------------------------------------------------------------------------------
  void emit(Severity severity, const std::string& category, std::string message, std::string details,
            const std::string& meter = {}) {
    if (events == nullptr) return;
    Event e;
    e.ts_ms = bridge::wall_ms();
    e.meter = meter;
    e.severity = severity;
    e.category = category;
    e.message = std::move(message);
    e.details = std::move(details);
    events->on_event(e);
  }

  void publish_failure(PublishFailure reason) {
    counters.add(&ExporterStats::publish_failures);
    if (reason == PublishFailure::auth) counters.add(&ExporterStats::auth_failures);
    if (reason == PublishFailure::tls) counters.add(&ExporterStats::tls_failures);
    if (observer) observer->on_publish_failure(reason);
  }

  void dropped(OutboxDrop reason, std::uint64_t n) {
    if (n == 0) return;
    switch (reason) {
      case OutboxDrop::max_messages: counters.add(&ExporterStats::dropped_max_messages, n); break;
      case OutboxDrop::max_age: counters.add(&ExporterStats::dropped_max_age, n); break;
      case OutboxDrop::store_error: counters.add(&ExporterStats::dropped_store_error, n); break;
      case OutboxDrop::rejected: counters.add(&ExporterStats::dropped_rejected, n); break;
    }
    if (observer) observer->on_dropped(reason, n);
    const std::string label(bridge::labels::to_label(reason));
    log::warn("outbox readings dropped", {{"reason", label}, {"count", n}});
    emit(Severity::warning, "outbox", "outbox dropped " + std::to_string(n) + " readings (" + label + ")",
         details_json({{"reason", label}, {"count", n}}));
  }

  void update_connected() {
    bool all = !channels.empty();
    for (const auto& c : channels) all = all && c->connected;
    if (all != counters.connected()) {
      counters.set_connected(all);
      if (observer) observer->on_connected(all);
    }
  }

  void update_inflight() {
    std::size_t n = 0;
    for (const auto& c : channels) n += c->inflight.size();
    counters.set_inflight(n);
  }

  // ------------------------------------------------------------------------------------------
  std::string client_id_for(const std::string& meter) const {
    std::string base = options.client_id.empty() ? options.instance : options.client_id;
    if (!meter.empty()) base += "-" + meter;
    return base;
  }

  std::size_t add_channel(const std::string& meter, const std::string& token) {
    auto c = std::make_unique<Channel>();
    c->meter = meter;
    auto& s = c->settings;
    s.host = options.host;
    s.port = options.port;
    s.client_id = client_id_for(meter);
    s.username = token.empty() ? options.username : token;
    s.password = token.empty() ? options.password : std::string();
    s.tls = options.tls;
    s.protocol = options.protocol;
    s.keepalive = options.keepalive;
    s.clean_session = options.clean_session;
    s.reconnect_min = options.reconnect_min;
    s.reconnect_max = options.reconnect_max;
    s.max_inflight = options.max_inflight;
    channels.push_back(std::move(c));
    const std::size_t index = channels.size() - 1;
    open_connection(index);
    return index;
  }

  void open_connection(std::size_t index) {
    auto& c = *channels[index];
    c.generation++;
    ConnectionEvents ev;
    ev.connected = [this, index](std::uint64_t gen) {
      push_net({NetEvent::Kind::connected, index, gen, 0, PublishFailure::not_connected, {}, false});
    };
    ev.failed = [this, index](std::uint64_t gen, PublishFailure reason, const std::string& detail, bool was) {
      push_net({NetEvent::Kind::failed, index, gen, 0, reason, detail, was});
    };
    ev.acked = [this, index](std::uint64_t gen, int mid) {
      push_net({NetEvent::Kind::acked, index, gen, mid, PublishFailure::not_connected, {}, false});
    };
    c.conn = std::make_unique<Connection>(c.settings, std::move(ev), c.generation);
    auto started_ok = c.conn->start();
    if (!started_ok) {
      // Configuration problem (e.g. unreadable CA file): nothing will ever connect; say so.
      const bool tls = c.settings.tls.enabled;
      publish_failure(tls ? PublishFailure::tls : PublishFailure::rejected);
      log::error("mqtt client setup failed", {{"client_id", c.settings.client_id}, {"error", started_ok.error()}});
      emit(Severity::error, "mqtt", "MQTT client setup failed: " + started_ok.error(),
           details_json({{"reason", tls ? "tls" : "rejected"}, {"client_id", c.settings.client_id}}), c.meter);
      c.failing = true;
    }
  }

  void push_net(NetEvent e) {
    {
      std::lock_guard lock(mutex);
      net.push_back(std::move(e));
    }
    cv.notify_one();
  }

  // Drops everything libmosquitto holds for this channel and starts over; every unacknowledged
  // row is republished from the outbox after the next CONNACK.
  void reset_channel(std::size_t index) {
    auto& c = *channels[index];
    if (c.conn) c.conn->stop(false);
    c.inflight.clear();
    c.inflight_rows.clear();
    c.connected = false;
    open_connection(index);
    update_connected();
    update_inflight();
  }

  // ------------------------------------------------------------------------------------------
  void handle_meter(const MeterInfo& info) {
    const bool known = meters.count(info.id) != 0;
    meters[info.id] = info;
    if (options.mode == Mode::device) {
      if (device_channel.count(info.id) == 0) device_channel[info.id] = add_channel(info.id, info.device_token);
      return;
    }
    if (options.mode == Mode::gateway && !channels.empty() && channels[0]->connected) {
      announce(*channels[0], info, /*attributes=*/true);
    }
    (void)known;
  }

  // A reading of a meter nobody announced: gateway mode still sends v1/gateway/connect so the
  // device exists under the gateway; device mode opens its connection with shared credentials.
  void ensure_meter(const Reading& r) {
    if (meters.count(r.meter) != 0) return;
    MeterInfo info;
    info.id = r.meter;
    info.device_name = r.device_name;
    meters[info.id] = info;
    if (options.mode == Mode::device) {
      if (device_channel.count(info.id) == 0) device_channel[info.id] = add_channel(info.id, {});
    } else if (options.mode == Mode::gateway && !channels.empty() && channels[0]->connected) {
      announce(*channels[0], info, /*attributes=*/false);
    }
  }

  void send_control(Channel& c, const Message& m) {
    auto res = c.conn->publish(m.topic, m.payload);
    if (res.queued) {
      InFlight f;
      f.sent_at = Clock::now();
      f.telemetry = false;
      c.inflight[res.mid] = std::move(f);
    } else {
      publish_failure(PublishFailure::rejected);
      log::warn("mqtt control publish rejected", {{"topic", m.topic}, {"rc", res.rc}});
    }
  }

  void announce(Channel& c, const MeterInfo& info, bool attributes) {
    send_control(c, gateway_connect(info, options.device_type));
    if (attributes && !info.host.empty()) send_control(c, gateway_attributes(info, bridge::version()));
  }

  // ------------------------------------------------------------------------------------------
  void handle_net(std::deque<NetEvent>& events_in, std::vector<std::int64_t>& to_delete) {
    for (auto& e : events_in) {
      if (e.channel >= channels.size()) continue;
      auto& c = *channels[e.channel];
      if (e.generation != c.generation) continue;  // from a connection we already replaced
      switch (e.kind) {
        case NetEvent::Kind::acked: on_ack(c, e.mid, to_delete); break;
        case NetEvent::Kind::connected: on_connected(c); break;
        case NetEvent::Kind::failed: on_failed(c, e); break;
      }
    }
    update_inflight();
  }

  void on_ack(Channel& c, int mid, std::vector<std::int64_t>& to_delete) {
    auto it = c.inflight.find(mid);
    if (it == c.inflight.end()) return;
    InFlight f = std::move(it->second);
    c.inflight.erase(it);
    if (!f.telemetry) return;
    counters.add(&ExporterStats::messages_acked);
    counters.add(&ExporterStats::readings_acked, f.rows.size());
    for (auto id : f.rows) c.inflight_rows.erase(id);
    to_delete.insert(to_delete.end(), f.rows.begin(), f.rows.end());
    if (observer) {
      observer->on_acked(1);
      for (const auto& [meter, n] : f.per_meter) observer->on_readings_published(meter, n);
      const std::int64_t acked_ms = bridge::wall_ms();
      for (const auto ts : f.read_ts_ms) observer->on_publish_latency(static_cast<double>(std::max<std::int64_t>(0, acked_ms - ts)) / 1000.0);
    }
  }

  void on_connected(Channel& c) {
    c.connected = true;
    counters.add(&ExporterStats::connects);
    if (c.ever_connected && observer) observer->on_reconnect();
    if (c.failing || c.ever_connected) {
      log::info("mqtt connected", {{"client_id", c.settings.client_id}, {"host", c.settings.host},
                                   {"port", c.settings.port}, {"inflight", c.inflight.size()}});
      emit(Severity::info, "mqtt", "MQTT connection to " + c.settings.host + ":" + std::to_string(c.settings.port) +
                                       " established",
           details_json({{"client_id", c.settings.client_id}}), c.meter);
    } else {
      log::info("mqtt connected", {{"client_id", c.settings.client_id}, {"host", c.settings.host},
                                   {"port", c.settings.port}});
    }
    c.ever_connected = true;
    c.failing = false;
    // Everything stored so far and not in libmosquitto's hands is backlog (paced replay);
    // messages still in flight are resent by libmosquitto itself (DUP), so restart their clock.
    const auto now = Clock::now();
    for (auto& [mid, f] : c.inflight) f.sent_at = now;
    c.live_from = last_inserted_id > 0 ? last_inserted_id + 1 : kUnknownId;
    c.live_cursor = c.live_from == kUnknownId ? 0 : c.live_from - 1;
    c.replay_cursor = 0;
    c.replay_pending = true;
    c.bucket.emplace(options.replay_rate, 0.0, now);
    if (options.mode == Mode::gateway) {
      for (const auto& [id, info] : meters) announce(c, info, /*attributes=*/true);
    }
    update_connected();
  }

  void on_failed(Channel& c, const NetEvent& e) {
    c.connected = false;
    publish_failure(e.reason);
    const std::string reason(bridge::labels::to_label(e.reason));
    const bool changed = e.was_connected || !c.failing || c.last_failure != e.reason;
    if (changed) {
      const bool bad_config = e.reason == PublishFailure::auth || e.reason == PublishFailure::tls;
      const std::string what = e.was_connected ? "MQTT connection lost" : "MQTT connect failed";
      log::write(bad_config ? log::Level::error : log::Level::warn, what,
                 {{"client_id", c.settings.client_id}, {"host", c.settings.host}, {"port", c.settings.port},
                  {"reason", reason}, {"detail", e.detail}, {"outbox", store.outbox_count()}});
      emit(bad_config ? Severity::error : Severity::warning, "mqtt",
           what + " (" + reason + "): " + e.detail + "; readings stay in the outbox",
           details_json({{"reason", reason}, {"client_id", c.settings.client_id}, {"detail", e.detail}}), c.meter);
    } else {
      log::debug("mqtt connect retry failed", {{"client_id", c.settings.client_id}, {"reason", reason},
                                               {"detail", e.detail}});
    }
    c.failing = true;
    c.last_failure = e.reason;
    update_connected();
  }

  void delete_acked(std::vector<std::int64_t>& ids) {
    if (ids.empty()) return;
    auto res = store.outbox_delete(ids);
    if (!res) {
      // The rows stay and are republished after a restart: a duplicate with identical content.
      log::error("outbox delete failed", {{"rows", ids.size()}, {"error", res.error().message}});
    }
    ids.clear();
  }

  // ------------------------------------------------------------------------------------------
  void store_readings(std::deque<Reading>& fresh) {
    for (auto& r : fresh) unstored.push_back(std::move(r));
    fresh.clear();
    if (unstored.empty()) return;
    if (store_failing && Clock::now() < store_retry_at) return;
    std::vector<store::OutboxMessage> batch;
    while (!unstored.empty()) {
      const std::size_t n = std::min(unstored.size(), std::max<std::size_t>(1, options.insert_batch_max));
      batch.clear();
      batch.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        const auto& r = unstored[i];
        auto m = reading_message(r, options.mode, options.topic_template);
        batch.push_back(store::OutboxMessage{r.meter, std::move(m.topic), std::move(m.payload), r.ts_ms, 0});
      }
      auto ids = store.outbox_insert_batch(batch);
      if (!ids) {
        if (!store_failing) {
          log::error("outbox insert failed; readings kept in memory and retried",
                     {{"readings", unstored.size()}, {"error", ids.error().message}});
          emit(Severity::error, "store", "outbox insert failed: " + ids.error().message,
               details_json({{"queued", unstored.size()}}));
        }
        store_failing = true;
        store_retry_at = Clock::now() + kStoreRetry;
        return;
      }
      if (store_failing) log::info("outbox insert recovered", {{"readings", n}});
      store_failing = false;
      for (std::size_t i = 0; i < n; ++i) ensure_meter(unstored[i]);
      count_stored(n);
      unstored.erase(unstored.begin(), unstored.begin() + static_cast<std::ptrdiff_t>(n));
      counters.add(&ExporterStats::readings_stored, ids->size());
      if (!ids->empty()) {
        last_inserted_id = std::max(last_inserted_id, ids->back());
        for (auto& c : channels) {
          if (c->live_from == kUnknownId && c->connected) {
            c->live_from = ids->front();
            c->live_cursor = ids->front() - 1;
          }
        }
      }
    }
  }

  // meter_readings_total: the first n readings of `unstored` just entered the outbox.
  void count_stored(std::size_t n) {
    if (observer == nullptr) return;
    for (std::size_t i = 0; i < n;) {
      std::size_t j = i + 1;
      while (j < n && unstored[j].meter == unstored[i].meter) ++j;
      observer->on_readings_stored(unstored[i].meter, j - i);
      i = j;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Publishes rows with id in (cursor, bound) for channel c, at most `budget` readings and
  // while the window has room. Returns the readings handed out; sets exhausted when no row
  // below bound is left.
  std::size_t pump_rows(Channel& c, std::int64_t& cursor, std::int64_t bound, std::size_t budget, bool& exhausted) {
    exhausted = false;
    std::size_t sent = 0;
    const std::size_t per_message = options.mode == Mode::gateway ? std::max<std::size_t>(1, options.max_readings_per_message) : 1;
    while (c.connected && c.inflight.size() < options.max_inflight && sent < budget) {
      // Small budgets (paced replay) still read a useful page: in-flight rows at the head are skipped.
      const std::size_t want = std::clamp<std::size_t>(budget - sent, 64, kPageRows);
      auto page = store.outbox_pending(cursor, want);
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
        const bool mine = c.meter.empty() || row.meter == c.meter;
        if (!mine || c.inflight_rows.count(row.id) != 0) {
          if (batch.empty()) cursor = row.id;
          continue;
        }
        const bool fits = !batch.empty() && batch.size() < per_message && row.topic == batch.front()->topic &&
                          row.topic == kGatewayTelemetryTopic &&
                          batch_bytes + row.payload.size() + 2 <= options.max_payload_bytes;
        if (!batch.empty() && !fits) {
          if (!send_batch(c, batch)) return sent;
          sent += batch.size();
          cursor = batch.back()->id;
          batch.clear();
          batch_bytes = 0;
          if (c.inflight.size() >= options.max_inflight || sent >= budget) {
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
        if (!send_batch(c, batch)) return sent;
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

  bool send_batch(Channel& c, const std::vector<const store::OutboxRow*>& batch) {
    std::string payload;
    if (batch.size() == 1) {
      payload = batch.front()->payload;
    } else {
      std::vector<std::string_view> parts;
      parts.reserve(batch.size());
      for (const auto* r : batch) parts.emplace_back(r->payload);
      auto merged = merge_gateway_telemetry(parts);
      if (!merged) {
        // Not mergeable (foreign payload): send them one by one.
        for (const auto* r : batch) {
          if (!send_batch(c, {r})) return false;
        }
        return true;
      }
      payload = std::move(*merged);
    }
    auto res = c.conn->publish(batch.front()->topic, payload);
    if (!res.queued) {
      publish_failure(PublishFailure::rejected);
      const bool permanent = is_permanent_rejection(res.rc);
      log::error("mqtt publish rejected", {{"topic", batch.front()->topic}, {"rc", res.rc},
                                           {"bytes", payload.size()}, {"readings", batch.size()},
                                           {"permanent", permanent}});
      if (permanent && batch.size() > 1) {
        // Find the culprit: one bad reading must not take its batch mates down.
        for (const auto* r : batch) {
          if (!send_batch(c, {r})) return false;
        }
        return true;
      }
      if (permanent) {
        // It can never be published: drop it (counted, logged, event) rather than block the
        // outbox behind it forever.
        const std::int64_t id = batch.front()->id;
        if (auto del = store.outbox_delete(std::span<const std::int64_t>(&id, 1)); !del) {
          log::error("outbox delete failed", {{"error", del.error().message}});
        }
        emit(Severity::error, "mqtt",
             "MQTT publish rejected for good (rc " + std::to_string(res.rc) + "), reading dropped",
             details_json({{"reason", "rejected"}, {"topic", batch.front()->topic}, {"bytes", payload.size()},
                           {"ts", batch.front()->ts_ms}}),
             batch.front()->meter);
        dropped(OutboxDrop::rejected, 1);
        return true;
      }
      emit(Severity::warning, "mqtt", "MQTT publish refused by the client library (rc " + std::to_string(res.rc) + "), retried",
           details_json({{"reason", "rejected"}, {"topic", batch.front()->topic}, {"bytes", payload.size()}}));
      // Back to the backlog: retried at the replay pace, not in a hot loop.
      const std::int64_t first = batch.front()->id;
      const std::int64_t last = batch.back()->id;
      if (c.live_from != kUnknownId && last >= c.live_from) {
        c.live_from = last + 1;
        c.live_cursor = std::max(c.live_cursor, last);
      }
      c.replay_cursor = std::min(c.replay_cursor, first - 1);
      c.replay_pending = true;
      return false;
    }
    InFlight f;
    f.sent_at = Clock::now();
    f.rows.reserve(batch.size());
    f.read_ts_ms.reserve(batch.size());
    for (const auto* r : batch) {
      f.rows.push_back(r->id);
      f.read_ts_ms.push_back(r->ts_ms);
      c.inflight_rows.insert(r->id);
      if (f.per_meter.empty() || f.per_meter.back().first != r->meter) {
        auto it = std::find_if(f.per_meter.begin(), f.per_meter.end(), [&](const auto& p) { return p.first == r->meter; });
        if (it == f.per_meter.end()) {
          f.per_meter.emplace_back(r->meter, 1);
        } else {
          it->second++;
        }
      } else {
        f.per_meter.back().second++;
      }
    }
    c.inflight[res.mid] = std::move(f);
    counters.add(&ExporterStats::messages_published);
    return true;
  }

  // Returns the time at which the paced replay wants to run again (or max).
  Clock::time_point publish_all(Clock::time_point now) {
    Clock::time_point wake = Clock::time_point::max();
    for (auto& cp : channels) {
      auto& c = *cp;
      if (!c.connected) continue;
      if (c.replay_pending && c.bucket) {
        const std::size_t budget = c.bucket->available(now);
        if (budget > 0) {
          bool exhausted = false;
          const std::size_t n = pump_rows(c, c.replay_cursor, c.live_from, budget, exhausted);
          c.bucket->consume(n);
          counters.add(&ExporterStats::readings_replayed, n);
          if (exhausted) {
            c.replay_pending = false;
          }
        }
        if (c.replay_pending && c.inflight.size() < options.max_inflight) {
          // Wake for a batch's worth of tokens, not for every single one.
          wake = std::min(wake, now + std::max<Clock::duration>(c.bucket->time_to_next(now), kReplayTick));
        }
      }
      if (c.live_from != kUnknownId && last_inserted_id > c.live_cursor) {
        bool exhausted = false;
        pump_rows(c, c.live_cursor, kUnknownId, std::numeric_limits<std::size_t>::max(), exhausted);
      }
    }
    update_inflight();
    return wake;
  }

  void check_ack_timeouts(Clock::time_point now) {
    for (std::size_t i = 0; i < channels.size(); ++i) {
      auto& c = *channels[i];
      if (!c.connected || c.inflight.empty()) continue;
      auto oldest = Clock::time_point::max();
      for (const auto& [mid, f] : c.inflight) oldest = std::min(oldest, f.sent_at);
      if (now - oldest < options.ack_timeout) continue;
      counters.add(&ExporterStats::ack_timeouts);
      publish_failure(PublishFailure::timeout);
      const auto secs = std::chrono::duration_cast<std::chrono::seconds>(options.ack_timeout).count();
      log::warn("mqtt PUBACK timeout; rebuilding the connection and republishing from the outbox",
                {{"client_id", c.settings.client_id}, {"inflight", c.inflight.size()}, {"ack_timeout_s", secs}});
      emit(Severity::warning, "mqtt",
           "no PUBACK within " + std::to_string(secs) + " s; connection rebuilt, unacknowledged readings republished",
           details_json({{"reason", "timeout"}, {"inflight", c.inflight.size()}}), c.meter);
      reset_channel(i);
    }
  }

  void housekeeping(Clock::time_point now) {
    check_ack_timeouts(now);
    if (now >= next_caps) {
      next_caps = now + options.caps_interval;
      if (options.outbox_max_messages > 0 || options.outbox_max_age.count() > 0) {
        auto res = store.outbox_enforce_caps(options.outbox_max_messages, options.outbox_max_age, bridge::wall_ms());
        if (res) {
          dropped(OutboxDrop::max_age, static_cast<std::uint64_t>(res->max_age));
          dropped(OutboxDrop::max_messages, static_cast<std::uint64_t>(res->max_messages));
        } else {
          log::error("outbox cap enforcement failed", {{"error", res.error().message}});
        }
      }
    }
    if (now >= next_gauges) {
      next_gauges = now + kGaugeInterval;
      refresh_gauges();
    }
  }

  void refresh_gauges() {
    if (observer == nullptr) return;
    std::optional<std::int64_t> oldest;
    if (auto res = store.outbox_oldest_ts(); res) oldest = *res;
    observer->on_outbox(store.outbox_count(), oldest);
  }

  // ------------------------------------------------------------------------------------------
  void run() {
    std::deque<Reading> fresh;
    std::deque<NetEvent> events_in;
    std::vector<MeterInfo> meters_in;
    std::vector<std::int64_t> to_delete;
    Clock::time_point wake = Clock::now();
    while (true) {
      bool stopping = false;
      {
        std::unique_lock lock(mutex);
        cv.wait_until(lock, std::min(wake, Clock::now() + kHousekeeping),
                      [&] { return !queue.empty() || !net.empty() || !added.empty() || stop_requested; });
        fresh.swap(queue);
        events_in.swap(net);
        meters_in.swap(added);
        stopping = stop_requested;
      }
      for (const auto& m : meters_in) handle_meter(m);
      meters_in.clear();
      handle_net(events_in, to_delete);
      events_in.clear();
      delete_acked(to_delete);
      store_readings(fresh);
      if (stopping) break;
      const auto now = Clock::now();
      wake = publish_all(now);
      housekeeping(now);
    }
    drain();
  }

  // Stop: no new publishes; wait for the PUBACKs of what is in flight until the deadline.
  void drain() {
    std::vector<std::int64_t> to_delete;
    Clock::time_point deadline;
    {
      std::lock_guard lock(mutex);
      deadline = flush_deadline;
    }
    // A final attempt for readings a failing store did not take yet.
    store_failing = false;
    std::deque<Reading> none;
    store_readings(none);
    if (!unstored.empty()) dropped(OutboxDrop::store_error, unstored.size());
    unstored.clear();
    auto pending = [&] {
      std::size_t n = 0;
      for (const auto& c : channels) n += c->connected ? c->inflight.size() : 0;
      return n;
    };
    while (pending() > 0 && Clock::now() < deadline) {
      std::deque<NetEvent> events_in;
      {
        std::unique_lock lock(mutex);
        cv.wait_until(lock, std::min(deadline, Clock::now() + std::chrono::milliseconds(50)),
                      [&] { return !net.empty(); });
        events_in.swap(net);
      }
      handle_net(events_in, to_delete);
      delete_acked(to_delete);
    }
    const std::size_t left = pending();
    for (auto& c : channels) {
      if (c->conn) c->conn->stop(/*graceful=*/true);
      c->connected = false;
    }
    // Acks that raced with the disconnect.
    std::deque<NetEvent> events_in;
    {
      std::lock_guard lock(mutex);
      events_in.swap(net);
    }
    handle_net(events_in, to_delete);
    delete_acked(to_delete);
    update_connected();
    refresh_gauges();
    log::info("mqtt exporter stopped", {{"unacknowledged", left}, {"outbox", store.outbox_count()}});
  }
};

// ----------------------------------------------------------------------------------------------

Exporter::Exporter(Options options, store::Store& store, EventSink* events, Observer* observer)
    : options_(std::move(options)) {
  if (options_.max_inflight == 0) options_.max_inflight = 1;
  impl_ = std::make_unique<Impl>(options_, store, events, observer);
}

Exporter::~Exporter() { stop(std::chrono::milliseconds(0)); }

void Exporter::start() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->started) return;
    impl_->started = true;
  }
  log::info("mqtt exporter starting",
            {{"mode", to_label(options_.mode)}, {"host", options_.host}, {"port", options_.port},
             {"outbox", impl_->store.outbox_count()}, {"max_inflight", options_.max_inflight},
             {"replay_rate", options_.replay_rate}});
  if (options_.mode != Mode::device) impl_->add_channel({}, {});
  impl_->update_connected();
  impl_->thread = std::thread([this] { impl_->run(); });
}

void Exporter::stop(std::chrono::milliseconds flush_timeout) {
  {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->started || impl_->stopped) {
      impl_->stopped = true;
      return;
    }
    impl_->stopped = true;
    impl_->stop_requested = true;
    impl_->flush_deadline = Clock::now() + flush_timeout;
  }
  impl_->cv.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void Exporter::on_reading(const bridge::Reading& reading) {
  bool wake = false;
  bool full = false;
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopped) return;
    if (impl_->queue.size() >= options_.queue_capacity) {
      full = true;
    } else {
      wake = impl_->queue.empty();
      impl_->queue.push_back(reading);
    }
  }
  if (full) {
    // Only reachable when SQLite has been stalled long enough to fill the queue.
    impl_->counters.add(&ExporterStats::dropped_store_error);
    if (impl_->observer) impl_->observer->on_dropped(bridge::labels::OutboxDrop::store_error, 1);
    log::error("mqtt reading dropped: outbox queue full", {{"meter", reading.meter}, {"ts", reading.ts_ms}});
    return;
  }
  impl_->counters.add(&ExporterStats::readings_received);
  if (wake) impl_->cv.notify_one();
}

void Exporter::on_meter_added(const MeterInfo& meter) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->added.push_back(meter);
  }
  impl_->cv.notify_one();
}

ExporterStats Exporter::stats() const { return impl_->counters.snapshot(); }

bool Exporter::connected() const { return impl_->counters.connected(); }

}  // namespace bridge::mqtt
