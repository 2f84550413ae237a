// The exporter's own job: the queue producers fill, the publisher thread that runs everything
// else, and the drain on stop. What it runs lives beside it (see README.md):
//   outbox_pump   which rows go out when, the in-flight window, the at-least-once books
//   channel       one connection's lifecycle (connect, failures, ack-timeout rebuilds)
//   topology      gateway / device / topic: connections, message formats, announcements
//   report        counters (ExporterStats), metric hooks and events, in one place
#include "bridge/mqtt/exporter.h"

#include <algorithm>

#include "bridge/log.h"
#include "bridge/store/store.h"
#include "bridge/wall_clock.h"
#include "channel.h"
#include "outbox_pump.h"
#include "outbox_store.h"
#include "profile_writer.h"
#include "report.h"
#include "topology.h"

namespace bridge::mqtt {
namespace {

using bridge::labels::OutboxDrop;
using Clock = std::chrono::steady_clock;

constexpr auto kHousekeeping = std::chrono::milliseconds(250);
constexpr auto kGaugeInterval = std::chrono::seconds(1);
constexpr auto kStoreRetry = std::chrono::seconds(1);

PumpOptions pump_options(const Options& o) {
  PumpOptions p;
  p.max_inflight = o.max_inflight;
  p.replay_rate = o.replay_rate;
  p.ack_timeout = o.ack_timeout;
  p.max_messages = o.outbox_max_messages;
  p.max_age = o.outbox_max_age;
  return p;
}

}  // namespace

struct Exporter::Impl {
  Impl(const Options& o, store::Store& s, EventSink* e, Observer* obs)
      : options(o), store(s), outbox(s), report(e, obs), topology(make_topology(o)),
        pump(outbox, pump_options(o), report), profiles(o, s, pump, report) {}

  const Options& options;
  store::Store& store;
  StoreOutbox outbox;
  Report report;  // any thread reads
  const std::unique_ptr<Topology> topology;

  // ---- shared with producers and network threads (guarded by mutex) ----
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<Reading> queue;
  std::deque<ProfileRows> profile_queue;
  std::deque<NetEvent> net;
  std::vector<MeterInfo> added;
  bool started = false;
  bool stop_requested = false;
  bool stopped = false;
  Clock::time_point flush_deadline;

  // ---- publisher thread only (and start(), before the thread) ----
  OutboxPump pump;
  ProfileWriter profiles;  // load-profile backfill rows (profile_writer.h)
  std::thread thread;
  std::vector<std::unique_ptr<Channel>> channels;  // channels[i] publishes pump lane i
  std::map<std::string, MeterInfo> meters;            // known meters by id
  std::map<std::string, std::size_t> device_channel;  // connection per meter: meter id -> channel
  std::deque<Reading> unstored;                       // readings whose outbox insert failed
  Clock::time_point store_retry_at{};
  Clock::time_point next_caps{}, next_gauges{};
  bool store_failing = false;

  // ------------------------------------------------------------------------------------------
  std::size_t add_channel(const std::string& meter, const std::string& token) {
    const std::size_t index = channels.size();
    channels.push_back(std::make_unique<Channel>(index, meter, connection_settings(options, meter, token), report,
                                                 [this](NetEvent e) { push_net(std::move(e)); }));
    pump.add_lane(*channels.back(), LaneSpec{meter, topology->batching()});
    return index;
  }

  void push_net(NetEvent e) {
    {
      std::lock_guard lock(mutex);
      net.push_back(std::move(e));
    }
    cv.notify_one();
  }

  void update_connected() {
    bool all = !channels.empty();
    for (const auto& c : channels) all = all && c->connected();
    report.set_connected(all);
  }

  void update_inflight() { report.set_inflight(pump.inflight()); }

  // ------------------------------------------------------------------------------------------
  void handle_meter(const MeterInfo& info) {
    meters[info.id] = info;
    if (topology->connection_per_meter()) {
      if (device_channel.count(info.id) == 0) device_channel[info.id] = add_channel(info.id, info.device_token);
      return;
    }
    announce(info, /*configured=*/true);
  }

  // A reading of a meter nobody announced: gateway mode still sends v1/gateway/connect so the
  // device exists under the gateway; device mode opens its connection with shared credentials.
  void ensure_meter(const Reading& r) {
    if (meters.count(r.meter) != 0) return;
    MeterInfo info;
    info.id = r.meter;
    info.device_name = r.device_name;
    meters[info.id] = info;
    if (topology->connection_per_meter()) {
      if (device_channel.count(info.id) == 0) device_channel[info.id] = add_channel(info.id, {});
    } else {
      announce(info, /*configured=*/false);
    }
  }

  // On the shared connection, if it is up (otherwise the next CONNACK announces every meter).
  void announce(const MeterInfo& info, bool configured) {
    if (channels.empty() || !channels[0]->connected()) return;
    for (const auto& m : topology->on_new_meter(info, configured)) pump.send_control(0, m.topic, m.payload, Clock::now());
  }

  // ------------------------------------------------------------------------------------------
  void handle_net(std::deque<NetEvent>& events_in) {
    for (auto& e : events_in) {
      if (e.channel >= channels.size()) continue;
      auto& c = *channels[e.channel];
      if (!c.current(e)) continue;  // from a connection we already replaced
      switch (e.kind) {
        case NetEvent::Kind::acked: pump.acked(e.channel, e.mid); break;
        case NetEvent::Kind::connected: on_connected(e.channel); break;
        case NetEvent::Kind::failed:
          c.on_failed(e, store.outbox_count());
          update_connected();
          break;
      }
    }
    update_inflight();
  }

  void on_connected(std::size_t index) {
    channels[index]->on_connected(pump.inflight(index));
    const auto now = Clock::now();
    pump.connected(index, now);
    for (const auto& m : topology->on_connect(meters)) pump.send_control(index, m.topic, m.payload, now);
    update_connected();
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
        auto m = topology->reading_message(r);
        batch.push_back(store::OutboxMessage{r.meter, std::move(m.topic), std::move(m.payload), r.ts_ms, 0});
      }
      auto ids = pump.insert(batch);
      if (!ids) {
        if (!store_failing) {
          log::error("outbox insert failed; readings kept in memory and retried",
                     {{"readings", unstored.size()}, {"error", ids.error().message}});
          report.emit(Severity::error, "store", "outbox insert failed: " + ids.error().message,
                      details_json({{"queued", unstored.size()}}));
        }
        store_failing = true;
        store_retry_at = Clock::now() + kStoreRetry;
        return;
      }
      if (store_failing) log::info("outbox insert recovered", {{"readings", n}});
      store_failing = false;
      for (std::size_t i = 0; i < n; ++i) ensure_meter(unstored[i]);
      // meter_readings_total, per run of one meter's readings.
      for (std::size_t i = 0; i < n;) {
        std::size_t j = i + 1;
        while (j < n && unstored[j].meter == unstored[i].meter) ++j;
        report.stored(unstored[i].meter, j - i);
        i = j;
      }
      unstored.erase(unstored.begin(), unstored.begin() + static_cast<std::ptrdiff_t>(n));
    }
  }

  // ------------------------------------------------------------------------------------------
  void housekeeping(Clock::time_point now) {
    for (const auto lane : pump.timed_out(now)) {
      channels[lane]->on_ack_timeout(pump.inflight(lane), options.ack_timeout);
      pump.forget_inflight(lane);
      update_connected();
      update_inflight();
    }
    if (now >= next_caps) {
      next_caps = now + options.caps_interval;
      pump.enforce_caps(bridge::wall_ms());
    }
    if (now >= next_gauges) {
      next_gauges = now + kGaugeInterval;
      pump.report_outbox();
    }
  }

  void store_profiles(std::deque<ProfileRows>& fresh) {
    for (auto& p : fresh) profiles.add(std::move(p));
    fresh.clear();
    profiles.write(Clock::now(), [this](const Reading& r) { ensure_meter(r); });
  }

  void run() {
    std::deque<Reading> fresh;
    std::deque<ProfileRows> fresh_profiles;
    std::deque<NetEvent> events_in;
    std::vector<MeterInfo> meters_in;
    Clock::time_point wake = Clock::now();
    while (true) {
      bool stopping = false;
      {
        std::unique_lock lock(mutex);
        cv.wait_until(lock, std::min(wake, Clock::now() + kHousekeeping),
                      [&] {
                        return !queue.empty() || !profile_queue.empty() || !net.empty() || !added.empty() ||
                               stop_requested;
                      });
        fresh.swap(queue);
        fresh_profiles.swap(profile_queue);
        events_in.swap(net);
        meters_in.swap(added);
        stopping = stop_requested;
      }
      for (const auto& m : meters_in) handle_meter(m);
      // Not clear(): the start-up batch (every meter at once) would keep its capacity for good,
      // about 3 MB at 10,000 meters.
      if (!meters_in.empty()) meters_in = std::vector<MeterInfo>{};
      handle_net(events_in);
      events_in.clear();
      pump.flush_acked();
      store_readings(fresh);
      store_profiles(fresh_profiles);
      if (stopping) break;
      const auto now = Clock::now();
      wake = pump.pump(now);
      update_inflight();
      housekeeping(now);
    }
    drain();
  }

  // Stop: no new publishes; wait for the PUBACKs of what is in flight until the deadline.
  void drain() {
    Clock::time_point deadline;
    {
      std::lock_guard lock(mutex);
      deadline = flush_deadline;
    }
    // A final attempt for readings a failing store did not take yet.
    store_failing = false;
    std::deque<Reading> none;
    store_readings(none);
    if (!unstored.empty()) report.dropped(OutboxDrop::store_error, unstored.size());
    unstored.clear();
    // Profile rows not stored now are not lost: their mark did not move, the next start reads them again.
    std::deque<ProfileRows> last_profiles;
    {
      std::lock_guard lock(mutex);
      last_profiles.swap(profile_queue);
    }
    store_profiles(last_profiles);
    if (profiles.queued_rows() > 0) {
      log::warn("load-profile rows not stored at stop; read again after the restart",
                {{"rows", profiles.queued_rows()}});
    }
    auto pending = [&] {
      std::size_t n = 0;
      for (std::size_t i = 0; i < channels.size(); ++i) n += channels[i]->connected() ? pump.inflight(i) : 0;
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
      handle_net(events_in);
      pump.flush_acked();
    }
    const std::size_t left = pending();
    for (auto& c : channels) c->close(/*graceful=*/true);
    // Acks that raced with the disconnect.
    std::deque<NetEvent> events_in;
    {
      std::lock_guard lock(mutex);
      events_in.swap(net);
    }
    handle_net(events_in);
    pump.flush_acked();
    update_connected();
    pump.report_outbox();
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
  if (!impl_->topology->connection_per_meter()) impl_->add_channel({}, {});
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
    impl_->report.queue_overflow(reading.meter, reading.ts_ms);
    return;
  }
  impl_->report.received();
  if (wake) impl_->cv.notify_one();
}

void Exporter::on_meter_added(const MeterInfo& meter) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->added.push_back(meter);
  }
  impl_->cv.notify_one();
}

void Exporter::on_profile_rows(ProfileRows rows) {
  if (rows.rows.empty()) return;
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopped) return;
    impl_->profile_queue.push_back(std::move(rows));
  }
  impl_->cv.notify_one();
}

void Exporter::set_profile_stored(ProfileStoredFn fn) { impl_->profiles.set_stored(std::move(fn)); }

ExporterStats Exporter::stats() const { return impl_->report.snapshot(); }

bool Exporter::connected() const { return impl_->report.connected(); }

}  // namespace bridge::mqtt
