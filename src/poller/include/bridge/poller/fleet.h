#pragma once
// Fleet: every enabled [[meter]] polled by its own MeterSession, all on one io_context.
//
//   boost::asio::io_context io(1);
//   bridge::poller::Fleet fleet(io, config, {.readings = &readings,     // MQTT outbox + Prometheus cache
//                                            .events = nullptr,         // optional extra listener
//                                            .store = store.get(),
//                                            .observers = {&metrics_observer, &history}});
//   fleet.start();                          // paused meters (from the store) stay paused
//   fleet.apply(new_config);                // SIGHUP / POST /-/reload
//   fleet.pause("meter-1");                 // releases the association, persisted in the store
//   fleet.resume("meter-1");
//   fleet.test("meter-1", [](bridge::poller::TestResult r) { ... });   // one immediate cycle
//   std::optional<MeterStatus> s = fleet.status("meter-1");
//   std::vector<MeterStatus> all = fleet.statuses();
//   fleet.stop(std::chrono::seconds(5), [&] { io.stop(); });           // SIGTERM
//   io.run();
//
// Threads: every method may be called from any thread. Commands are posted to the io_context;
// callbacks (test, stop) run on the io thread and must not block. status()/statuses() read the
// snapshot each session publishes after every cycle and state change (a mutex, never the
// meter). Destroy the Fleet only after stop() completed (or the io_context stopped running).
//
// Outputs: readings go to `readings` (read time in ts_ms); events (throttled one per meter +
// category per qos.event_throttle, repeat count kept) go to the store and to `events`; HDLC
// error frames go to store diagnostics; inventory rows (sync on start/apply, status updates,
// paused flag) to the store (StoreRecorder); everything a session reports to `observers`
// (session_observer.h: the Prometheus series, the status page's history). Any may be null/empty.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bridge/config/config.h"
#include "bridge/event.h"
#include "bridge/asio.h"
#include "bridge/poller/meter_connection.h"
#include "bridge/poller/session_observer.h"
#include "bridge/poller/status.h"
#include "bridge/reading.h"

namespace bridge::store {
class Store;
}

namespace bridge::poller {

class MeterSession;
class StoreRecorder;
struct SessionContext;

struct FleetDependencies {
  ReadingSink* readings = nullptr;
  EventSink* events = nullptr;  // extra event listener; do not pass the store here too
  store::Store* store = nullptr;
  ConnectionFactory connections;  // empty: DLMS over TCP (dlms_connection_factory()); tests pass scripted ones
  std::vector<SessionObserver*> observers;  // what every session reports (metrics, history)
};

class Fleet {
 public:
  // The sessions point into `config` (no copy of any [[meter]] entry): the service shares the
  // same object with its REST routes.
  Fleet(asio::io_context& io, std::shared_ptr<const config::Config> config, FleetDependencies deps);
  Fleet(asio::io_context& io, config::Config config, FleetDependencies deps)
      : Fleet(io, std::make_shared<const config::Config>(std::move(config)), std::move(deps)) {}
  ~Fleet();
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  void start();
  // Adds new meters, stops removed (or disabled) ones with a DISC, reconfigures changed ones in
  // place (re-associating only when host/port/addressing/credentials changed); unchanged meters
  // are not touched. Fleet limits (concurrency, connect rate) apply at once.
  void apply(std::shared_ptr<const config::Config> config);
  void apply(config::Config config) { apply(std::make_shared<const config::Config>(std::move(config))); }
  // false when the meter is unknown. Pause releases the association; both survive a restart.
  bool pause(const std::string& id);
  bool resume(const std::string& id);
  // One cycle now, outside the schedule; `done` gets the result (unknown meter: ok=false, error).
  void test(const std::string& id, std::function<void(TestResult)> done);
  std::optional<MeterStatus> status(const std::string& id) const;
  std::vector<MeterStatus> statuses() const;  // sorted by id
  // Stop scheduling, DISC every open association; whatever is still pending at `deadline` is
  // cancelled. `done` runs on the io thread once every session has ended.
  void stop(std::chrono::milliseconds deadline, std::function<void()> done);

 private:
  void do_apply(std::shared_ptr<const config::Config> config, bool initial);
  void start_session(std::shared_ptr<const config::MeterConfig> meter, TimePoint first_slot);
  void retire(std::shared_ptr<MeterSession> session);
  void sync_inventory() const;

  asio::io_context& io_;
  std::shared_ptr<const config::Config> config_;
  FleetDependencies deps_;
  std::unique_ptr<StoreRecorder> store_recorder_;
  std::unique_ptr<SessionContext> ctx_;
  std::map<std::string, std::shared_ptr<MeterSession>> sessions_;
  std::vector<std::shared_ptr<MeterSession>> retiring_;
  std::set<std::string> paused_;
  bool started_ = false;
  bool stopping_ = false;
  std::shared_ptr<asio::steady_timer> stop_timer_;
};

}  // namespace bridge::poller
