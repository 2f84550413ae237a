#include "bridge/poller/fleet.h"

#include <algorithm>
#include <cmath>

#include "bridge/config/diff.h"
#include "bridge/log.h"
#include "bridge/poller/dlms_meter_connection.h"
#include "bridge/poller/meter_session.h"
#include "bridge/poller/session_context.h"
#include "bridge/poller/store_recorder.h"
#include "bridge/store/store.h"

namespace bridge::poller {

namespace {

void apply_limits(SessionContext& ctx, const config::FleetLimits& limits) {
  // Burst: a fifth of a second's worth, so a restart opens connections in small waves.
  const auto burst = static_cast<std::uint32_t>(std::max(1.0, std::ceil(limits.connect_rate / 5.0)));
  ctx.rate.set_rate(limits.connect_rate, burst);
  ctx.concurrency.set_cap(limits.max_concurrent_sessions);
}

std::vector<const config::MeterConfig*> enabled_meters(const config::Config& c) {
  std::vector<const config::MeterConfig*> out;
  for (const auto& m : c.meters) {
    if (m.enabled) out.push_back(&m);
  }
  return out;
}

}  // namespace

Fleet::Fleet(asio::io_context& io, std::shared_ptr<const config::Config> config, FleetDependencies deps)
    : io_(io), config_(std::move(config)), deps_(std::move(deps)) {
  ConnectionFactory connections = deps_.connections ? deps_.connections : dlms_connection_factory(deps_.store);
  ctx_ = std::make_unique<SessionContext>(io_.get_executor(), std::move(connections));
  ctx_->readings = deps_.readings;
  ctx_->events = deps_.events;
  if (deps_.store) {
    store_recorder_ = std::make_unique<StoreRecorder>(*deps_.store);
    ctx_->observers.add(store_recorder_.get());
  }
  for (auto* observer : deps_.observers) ctx_->observers.add(observer);
  ctx_->throttle = store::EventThrottle(config_->qos.event_throttle);
  apply_limits(*ctx_, config_->fleet);
}

Fleet::~Fleet() = default;

void Fleet::start() {
  if (deps_.store) {
    if (auto paused = deps_.store->paused_meters()) {
      paused_.insert(paused->begin(), paused->end());
    } else {
      log::error("cannot read paused meters from the store", {{"error", paused.error().message}});
    }
  }
  // Snapshots exist as soon as start() returns, so pause()/status() know every meter.
  for (const auto* m : enabled_meters(*config_)) {
    MeterStatus s;
    s.id = m->id;
    s.host = m->host;
    s.port = m->port;
    s.paused = paused_.count(m->id) > 0;
    s.interval_ms = m->qos.poll_interval.count();
    ctx_->publish(s);
  }
  asio::post(io_, [this] {
    started_ = true;
    do_apply(config_, true);
  });
}

void Fleet::apply(std::shared_ptr<const config::Config> config) {
  asio::post(io_, [this, c = std::move(config)]() mutable {
    if (stopping_) return;
    do_apply(std::move(c), false);
  });
}

void Fleet::do_apply(std::shared_ptr<const config::Config> next, bool initial) {
  const auto wanted = enabled_meters(*next);
  std::set<std::string> wanted_ids;
  for (const auto* m : wanted) wanted_ids.insert(m->id);

  std::size_t removed = 0, added = 0, changed = 0;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (wanted_ids.count(it->first) == 0) {
      retire(it->second);
      it = sessions_.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  const TimePoint now = Clock::now();
  const auto n = static_cast<std::int64_t>(std::max<std::size_t>(wanted.size(), 1));
  std::int64_t index = 0;
  for (const auto* m : wanted) {
    // The entry inside `next`, which it keeps alive (aliasing): no copy per session.
    std::shared_ptr<const config::MeterConfig> entry(next, m);
    auto it = sessions_.find(m->id);
    if (it == sessions_.end()) {
      // Spread first slots over one interval: 1000 meters at 1 s are 1000 cycles/s, not a
      // burst of 1000 every second.
      const auto phase = Duration{m->qos.poll_interval.count() * index / n};
      start_session(std::move(entry), now + phase);
      ++added;
    } else if (!config::same_meter(it->second->meter(), *m)) {
      it->second->reconfigure(std::move(entry), !config::same_connection(it->second->meter(), *m));
      ++changed;
    } else {
      // Unchanged: move it onto the new config, or the old one would stay alive for it.
      it->second->rebind(std::move(entry));
    }
    ++index;
  }
  if (!(next->fleet == config_->fleet)) apply_limits(*ctx_, next->fleet);
  config_ = std::move(next);
  sync_inventory();
  log::info(initial ? "fleet started" : "fleet reloaded",
            {{"meters", sessions_.size()}, {"added", added}, {"removed", removed}, {"changed", changed},
             {"paused", paused_.size()}});
  if (!initial) {
    Event e;
    e.severity = Severity::info;
    e.category = "config";
    e.message = "configuration reloaded: " + std::to_string(added) + " added, " + std::to_string(removed) +
                " removed, " + std::to_string(changed) + " changed";
    ctx_->emit(std::move(e), true);
  }
}

void Fleet::start_session(std::shared_ptr<const config::MeterConfig> meter, TimePoint first_slot) {
  const bool paused = paused_.count(meter->id) > 0;
  auto session = std::make_shared<MeterSession>(*ctx_, meter, paused, first_slot);
  sessions_[meter->id] = session;
  session->start();
}

void Fleet::retire(std::shared_ptr<MeterSession> session) {
  retiring_.push_back(session);
  session->stop([this, s = session.get()] {
    const std::string id = s->id();
    if (sessions_.count(id) == 0) {
      ctx_->observers.on_meter_removed(id);
      ctx_->forget(id);
    }
    std::erase_if(retiring_, [s](const auto& p) { return p.get() == s; });
  });
}

void Fleet::sync_inventory() const {
  if (!deps_.store) return;
  std::vector<store::MeterInventory> rows;
  for (const auto& m : config_->meters) {
    store::MeterInventory r;
    r.id = m.id;
    r.host = m.host;
    r.port = m.port;
    r.transport = std::string(config::to_string(m.transport));
    r.addressing = "client_sap=" + std::to_string(m.client_sap) + " server_logical=" +
                   std::to_string(m.server_logical) + " server_physical=" + std::to_string(m.server_physical) +
                   " address_size=" + std::to_string(m.address_size);
    r.enabled = m.enabled;
    rows.push_back(std::move(r));
  }
  // Asynchronous: the future is not waited for on the io thread.
  (void)deps_.store->sync_meters(std::move(rows));
}

bool Fleet::pause(const std::string& id) {
  if (!ctx_->snapshot(id)) return false;
  if (deps_.store) (void)deps_.store->set_paused(id, true);
  asio::post(io_, [this, id] {
    paused_.insert(id);
    if (auto it = sessions_.find(id); it != sessions_.end()) it->second->pause();
  });
  return true;
}

bool Fleet::resume(const std::string& id) {
  if (!ctx_->snapshot(id)) return false;
  if (deps_.store) (void)deps_.store->set_paused(id, false);
  asio::post(io_, [this, id] {
    paused_.erase(id);
    if (auto it = sessions_.find(id); it != sessions_.end()) it->second->resume();
  });
  return true;
}

void Fleet::test(const std::string& id, std::function<void(TestResult)> done) {
  asio::post(io_, [this, id, done = std::move(done)]() mutable {
    auto it = sessions_.find(id);
    if (it == sessions_.end() || stopping_) {
      TestResult r;
      r.meter = id;
      r.error = stopping_ ? "the bridge is stopping" : "unknown meter";
      done(std::move(r));
      return;
    }
    it->second->test(std::move(done));
  });
}

std::optional<MeterStatus> Fleet::status(const std::string& id) const { return ctx_->snapshot(id); }

std::vector<MeterStatus> Fleet::statuses() const { return ctx_->snapshots(); }

void Fleet::stop(std::chrono::milliseconds deadline, std::function<void()> done) {
  asio::post(io_, [this, deadline, done = std::move(done)]() mutable {
    stopping_ = true;
    std::vector<std::shared_ptr<MeterSession>> all = retiring_;
    for (auto& [id, s] : sessions_) all.push_back(s);
    log::info("fleet stopping", {{"sessions", all.size()}, {"deadline_ms", deadline.count()}});
    auto remaining = std::make_shared<std::size_t>(all.size());
    auto finish = std::make_shared<std::function<void()>>(std::move(done));
    stop_timer_ = std::make_shared<asio::steady_timer>(io_, deadline);
    if (all.empty()) {
      asio::post(io_, [finish] { (*finish)(); });
      return;
    }
    auto timer = stop_timer_;
    timer->async_wait([all, timer](const boost::system::error_code& ec) {
      if (ec) return;
      std::size_t aborted = 0;
      for (auto& s : all) {
        if (!s->finished()) {
          s->abort();
          ++aborted;
        }
      }
      log::warn("shutdown deadline reached, cancelling", {{"sessions", aborted}});
    });
    for (auto& s : all) {
      s->stop([remaining, finish, timer] {
        if (--*remaining == 0) {
          timer->cancel();
          log::info("fleet stopped");
          if (*finish) std::exchange(*finish, nullptr)();
        }
      });
    }
  });
}

}  // namespace bridge::poller
