// `dlms-bridge run`: loads the config, opens the store, starts the HTTP server, the exporters
// and the fleet on one io_context, and handles SIGTERM/SIGINT (graceful stop) and SIGHUP
// (reload). Start-up order follows the data flow backwards: every consumer exists before the
// poller produces its first reading.
#include "run_command.h"

#include <utility>  // before Asio (Boost 1.74 awaitable.hpp uses std::exchange)

#include <algorithm>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <future>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "bridge/api/http_config.h"
#include "bridge/api/http_server.h"
#include "bridge/config/config.h"
#include "bridge/config/diff.h"
#include "bridge/config/reload_guard.h"
#include "bridge/config/summary.h"
#include "bridge/prometheus/bridge_metrics.h"
#include "bridge/prometheus/exposition.h"
#include "bridge/prometheus/family_filter.h"
#include "bridge/prometheus/poller_observer.h"
#include "bridge/prometheus/process_collector.h"
#include "bridge/prometheus/profile_metrics.h"
#include "bridge/prometheus/readings_collectable.h"
#include "bridge/mqtt/config_adapter.h"
#include "bridge/mqtt/exporter.h"
#include "bridge/mqtt/metrics_observer.h"
#include "bridge/poller/dlms_meter_connection.h"
#include "bridge/poller/fleet.h"
#include "bridge/status/history.h"
#include "bridge/store/store.h"
#include "bridge/open_files.h"
#include "bridge/version.h"
#include "allocator_tuning.h"
#include "backfill_connection.h"
#include "profile_backfill.h"
#include "reading_fanout.h"
#include "config_history.h"
#include "fd_budget.h"
#include "readings_counter.h"
#include "rest_routes.h"
#include "service_status.h"
#include "shard_choice.h"
#include "shard_info_metric.h"
#include "systemd_notify.h"
#include "bridge/wall_clock.h"

namespace bridge::app {
namespace {

constexpr auto kShutdownDeadline = std::chrono::seconds(5);
constexpr auto kMqttFlushTimeout = std::chrono::seconds(5);


void print_config_errors(const std::vector<config::ConfigError>& errors) {
  for (const auto& e : errors) std::cerr << e.to_string() << "\n";
}

// Everything the running service owns, in construction order (destroyed in reverse).
class Service {
 public:
  Service(config::Config cfg, std::optional<config::Shard> outside_shard, std::optional<log::Level> cli_level)
      : config_(std::make_shared<const config::Config>(std::move(cfg))),
        outside_shard_(outside_shard),
        cli_level_(cli_level) {}

  int run() {
    const auto& cfg = *config_;
    log::info("starting", {{"version", std::string(version())},
                           {"revision", std::string(git_revision())},
                           {"config", cfg.source.string()},
                           {"meters", cfg.meters.size()},
                           {"shard", cfg.active_shard ? cfg.active_shard->to_string() : "none"}});
    fd_limit_ = bridge::raise_open_files_limit();
    const auto budget = fd_budget(cfg);
    log::info("file descriptor limit", {{"limit", fd_limit_}, {"budget", budget.total()}});
    if (auto problem = fd_budget_problem(budget, fd_limit_)) {
      std::cerr << "dlms-bridge: " << *problem << "\n";
      return 1;
    }
    // [http] changes need a restart: reloads count the connections of the server that runs.
    http_connections_ = budget.http_connections;

    auto store = store::Store::open(cfg.store.path);
    if (!store) {
      std::cerr << "dlms-bridge: cannot open the store: " << store.error().message << "\n";
      return 1;
    }
    store_ = std::move(*store);
    record_config_version(*store_, cfg, "startup", "");

    metrics_ = std::make_shared<prometheus::BridgeMetrics>();
    shard_info_ = std::make_unique<ShardInfoMetric>(*metrics_->registry());
    shard_info_->set(cfg);
    readings_ = std::make_shared<prometheus::ReadingsCollectable>();
    auto exposition = std::make_shared<prometheus::Exposition>();
    exposition_ = exposition;
    apply_series_budget(cfg.http);
    exposition->add(metrics_->registry());
    exposition->add(std::static_pointer_cast<const prometheus::Collector>(metrics_));
    exposition->add(std::static_pointer_cast<const prometheus::Collector>(readings_));
    exposition->add(std::make_shared<const prometheus::ProcessCollector>());
    exposition->add(std::static_pointer_cast<const prometheus::Collector>(profile_metrics_));

    auto http_options = api::to_http_options(cfg.http);
    // Not ready before the routes and the fleet exist (set ready below, in this order).
    http_options.not_ready_at_start = {"exporters", "poller"};
    auto http = api::HttpServer::start(http_options);
    if (!http) {
      // The error names the address ("127.0.0.1:9947 is already in use").
      std::cerr << "dlms-bridge: cannot start the HTTP server: " << http.error().message << "\n";
      return 1;
    }
    http_ = std::move(*http);
    exposition->add(http_->connection_metrics());
    http_->serve_metrics(exposition);
    http_->set_reload_hook(
        [this](const std::string& actor, const std::string& confirm) { return reload_from_http(actor, confirm); });

    if (cfg.mqtt.enabled) {
      mqtt_observer_ = std::make_unique<mqtt::MetricsObserver>(*metrics_);
      mqtt_ = std::make_unique<mqtt::Exporter>(mqtt::options_from_config(cfg.mqtt, cfg.bridge.instance), *store_,
                                               store_.get(), mqtt_observer_.get());
      fanout_.add(mqtt_.get());
      start_backfill(cfg);
    } else {
      readings_counter_ = std::make_unique<ReadingsCounter>(*metrics_);
      fanout_.add(readings_counter_.get());
    }
    fanout_.add(readings_.get());
    history_ = make_history(cfg, mqtt_ != nullptr);
    fanout_.add(history_.get());
    if (mqtt_) {
      mqtt_->start();
      for (const auto& m : cfg.meters) mqtt_->on_meter_added(mqtt::meter_info_from_config(m));
    }
    http_->readiness().set_ready("exporters");

    poller_observer_ = std::make_unique<prometheus::PollerMetricsObserver>(*metrics_);
    fleet_ = std::make_unique<poller::Fleet>(io_, config_,
                                             poller::FleetDependencies{.readings = &fanout_,
                                                                       .events = nullptr,
                                                                       .store = store_.get(),
                                                                       // DLMS over TCP, with the load-profile backfill
                                                                       // (the store keeps HLS-GMAC invocation counters)
                                                                       .connections = backfill_ ? backfill_connection_factory(
                                                                                                      *backfill_,
                                                                                                      poller::dlms_connection_factory(store_.get()))
                                                                                                : poller::ConnectionFactory{},
                                                                       .observers = {poller_observer_.get(),
                                                                                     history_.get()}});
    register_rest_routes(*http_, RestContext{.fleet = fleet_.get(),
                                             .store = store_.get(),
                                             .mqtt = mqtt_.get(),
                                             .config = [this] { return current_config(); },
                                             .history = history_.get()});
    register_config_routes(*http_, *store_);

    boost::asio::signal_set signals(io_, SIGINT, SIGTERM, SIGHUP);
    wait_for_signal(signals);

    fleet_->start();
    http_->readiness().set_ready("poller");
    update_meters_readiness(cfg);
    store_->submit_event({bridge::wall_ms(), "", Severity::info, "startup", "dlms-bridge started",
                          "{\"meters\":" + std::to_string(cfg.meters.size()) + "}"});
    log::info("ready", {{"http", http_->url()}, {"mqtt", cfg.mqtt.enabled ? "enabled" : "disabled"}});
    notifier_.ready();  // systemd (Type=notify): HTTP listens, the fleet runs

    io_.run();
    notifier_.cancel();

    // The fleet has sent DISC to every meter; now flush what the exporters still hold.
    if (mqtt_) mqtt_->stop(kMqttFlushTimeout);
    store_->submit_event({bridge::wall_ms(), "", Severity::info, "shutdown", "dlms-bridge stopped", ""});
    http_->stop();
    fleet_.reset();
    if (store_) store_->flush().wait();
    log::info("stopped");
    return 0;
  }

 private:
  // Load-profile backfill ([[meter.profile]]): marks from the store, rows through the exporter,
  // which moves the mark with every insert. Without MQTT there is nowhere to publish to.
  void start_backfill(const config::Config& cfg) {
    auto marks = store_->profile_marks();
    if (!marks) {
      log::error("cannot read the load-profile progress marks; backfill starts from the horizon",
                 {{"error", marks.error().message}});
    } else {
      profile_marks_.load(*marks);
      for (const auto& m : *marks) profile_metrics_->set_last_row(m.meter, m.profile, m.last_row_ms);
    }
    for (const auto& m : cfg.meters) {
      for (const auto& p : m.profiles) profile_metrics_->add_profile(m.id, p.obis.to_string());
    }
    mqtt_->set_profile_stored([this](const std::string& meter, const std::string& profile, std::int64_t last_row_ms,
                                     std::size_t) {
      profile_marks_.advance(meter, profile, last_row_ms);
      profile_metrics_->set_last_row(meter, profile, last_row_ms);
    });
    backfill_ = std::make_unique<ProfileBackfill>(
        profile_marks_, [this](mqtt::ProfileRows rows) { mqtt_->on_profile_rows(std::move(rows)); },
        profile_metrics_.get());
  }

  // The status page's trends; the publish ratio reads the per-meter PUBACK counter of /metrics.
  std::unique_ptr<status::FleetHistory> make_history(const config::Config& cfg, bool mqtt_enabled) {
    auto history = std::make_unique<status::FleetHistory>(status::HistoryOptions{.window = cfg.http.status_window});
    if (mqtt_enabled) {
      history->set_published_source([metrics = metrics_](const std::string& id) -> std::optional<std::uint64_t> {
        auto* m = metrics->meter(id);
        if (!m) return std::nullopt;
        return static_cast<std::uint64_t>(m->readings_published_total.Value());
      });
    }
    return history;
  }

  std::shared_ptr<const config::Config> current_config() {
    std::lock_guard lock(config_mutex_);
    return config_;
  }

  void wait_for_signal(boost::asio::signal_set& signals) {
    signals.async_wait([this, &signals](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      if (sig == SIGHUP) {
        // Same rules as POST /-/reload, without the confirmation (that needs the API).
        auto r = reload(false);
        if (!r) log::error("reload not applied; keeping the running config", {{"error", r.error().message}});
        wait_for_signal(signals);
        return;
      }
      log::info("stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
      notifier_.stopping();
      http_->readiness().set_waiting("poller", "shutting down");
      fleet_->stop(std::chrono::duration_cast<std::chrono::milliseconds>(kShutdownDeadline), [this] { io_.stop(); });
    });
  }

  // /-/ready waits for meters unless the config allows a bridge without any. A shard may own none
  // of a small fleet's meters: the loader has already refused a file without meters, so an empty
  // shard is the hash's choice, not a truncated config.
  void update_meters_readiness(const config::Config& cfg) {
    const bool any = std::any_of(cfg.meters.begin(), cfg.meters.end(), [](const auto& m) { return m.enabled; });
    const bool sharded = cfg.active_shard.has_value();
    if (any || cfg.bridge.allow_no_meters || sharded) {
      http_->readiness().set_ready("meters");
    } else {
      http_->readiness().set_waiting("meters", "no meters: no enabled [[meter]] in the config");
    }
  }

  // Why a reload was not applied: an invalid file (500), a refused mass removal or a fleet over
  // the file descriptor limit (409).
  struct ReloadFailure {
    int status = 500;
    std::string message;
    std::optional<config::RemovalCheck> removal;
  };

  // Loads the file again and applies it. Meter changes apply in place; [http], [mqtt] and
  // [store] changes need a restart (said in the log and the event). `confirmed`: the operator
  // confirmed a mass removal (POST /-/reload?confirm=remove-meters). `trigger`/`actor` go into the
  // config history (sighup, or api with who asked).
  Result<void, ReloadFailure> reload(bool confirmed, const char* trigger = "sighup", const std::string& actor = "") {
    auto old_config = current_config();
    // The same shard choice as at start-up: a changed [bridge] shard (N -> N+1) takes effect
    // here; the meters this instance loses are removed below (DISC) like deleted ones.
    auto loaded = load_for_shard(old_config->source, outside_shard_);
    if (!loaded) {
      std::string text;
      for (const auto& e : loaded.error()) text += (text.empty() ? "" : "; ") + e.to_string();
      store_->submit_event({bridge::wall_ms(), "", Severity::error, "config", "reload rejected: invalid config",
                            nlohmann::json{{"error", text}}.dump()});
      return fail(ReloadFailure{500, text, std::nullopt});
    }
    auto fresh = std::make_shared<const config::Config>(std::move(*loaded));
    auto removal = config::check_removal(*old_config, *fresh, confirmed);
    if (removal.refused) {
      log::error("reload refused", {{"running", removal.running}, {"removing", removal.stopping.size()}});
      store_->submit_event({bridge::wall_ms(), "", Severity::error, "config",
                            "reload refused: it would stop " + std::to_string(removal.stopping.size()) + " of " +
                                std::to_string(removal.running) + " running meters",
                            nlohmann::json{{"running", removal.running}, {"removing", removal.stopping}}.dump()});
      std::string message = removal.message();
      return fail(ReloadFailure{409, std::move(message), std::move(removal)});
    }
    auto budget = fd_budget(*fresh);
    budget.http_connections = http_connections_;
    if (auto problem = fd_budget_problem(budget, fd_limit_)) {
      log::error("reload refused", {{"error", *problem}});
      store_->submit_event({bridge::wall_ms(), "", Severity::error, "config",
                            "reload refused: not enough file descriptors", nlohmann::json{{"error", *problem}}.dump()});
      return fail(ReloadFailure{409, std::move(*problem), std::nullopt});
    }
    const auto diff = config::diff_meters(*old_config, *fresh);
    for (const auto& id : diff.removed) readings_->remove_meter(id);
    for (const auto& id : diff.removed) history_->forget(id);
    if (mqtt_) {
      for (const auto& id : diff.added) {
        if (const auto* m = fresh->find_meter(id)) mqtt_->on_meter_added(mqtt::meter_info_from_config(*m));
      }
    }
    bool restart_needed = !(fresh->http.listen == old_config->http.listen) ||
                          fresh->mqtt.host != old_config->mqtt.host || fresh->mqtt.port != old_config->mqtt.port ||
                          fresh->mqtt.mode != old_config->mqtt.mode || fresh->store.path != old_config->store.path;
    if (restart_needed) log::warn("reload: [http], [mqtt] and [store] changes take effect after a restart");
    apply_series_budget(fresh->http);
    fleet_->apply(fresh);
    shard_info_->set(*fresh);
    update_meters_readiness(*fresh);
    {
      std::lock_guard lock(config_mutex_);
      config_ = fresh;
    }
    record_config_version(*store_, *fresh, trigger, actor);
    log::info("config reloaded", {{"added", diff.added.size()},
                                  {"removed", diff.removed.size()},
                                  {"reconnecting", diff.connection_changed.size()},
                                  {"changed", diff.settings_changed.size()}});
    store_->submit_event({bridge::wall_ms(), "", Severity::info, "config", "config reloaded",
                          "{\"added\":" + std::to_string(diff.added.size()) + ",\"removed\":" +
                              std::to_string(diff.removed.size()) + "}"});
    return {};
  }

  // POST /-/reload runs on an HTTP worker: hop onto the io thread, where the fleet lives.
  Result<void, api::Response> reload_from_http(const std::string& actor, const std::string& confirm) {
    if (!confirm.empty() && confirm != config::kConfirmRemoveMeters) {
      return fail(api::Response::error(400, "unknown confirm value '" + confirm + "' (expected " +
                                                std::string(config::kConfirmRemoveMeters) + ")"));
    }
    const bool confirmed = !confirm.empty();
    auto done = std::make_shared<std::promise<Result<void, ReloadFailure>>>();
    auto result = done->get_future();
    boost::asio::post(io_, [this, done, confirmed, actor] { done->set_value(reload(confirmed, "api", actor)); });
    if (result.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
      return fail(api::Response::error(500, "reload timed out"));
    }
    auto r = result.get();
    if (r) return {};
    const auto& failure = r.error();
    if (!failure.removal) return fail(api::Response::error(failure.status, failure.message));
    return fail(api::Response::json(failure.status,
                                    {{"error", failure.message},
                                     {"running", failure.removal->running},
                                     {"removing", failure.removal->stopping.size()},
                                     {"meters", failure.removal->stopping},
                                     {"confirm", "POST /-/reload?confirm=" + std::string(config::kConfirmRemoveMeters)},
                                     {"override", "[bridge] allow_mass_removal = true"}}));
  }

  // Which series /metrics serves ([http] readings_enabled, per_meter_breakdown, metric_allowlist /
  // metric_denylist); at start and on every reload. The loader has validated the patterns.
  void apply_series_budget(const config::HttpConfig& http) {
    readings_->set_enabled(http.readings_enabled);
    metrics_->set_per_meter_breakdown(http.per_meter_breakdown);
    auto filter = prometheus::FamilyFilter::make(http.metric_allowlist, http.metric_denylist);
    exposition_->set_filter(filter ? std::move(*filter) : prometheus::FamilyFilter{});
  }

  std::mutex config_mutex_;
  std::shared_ptr<const config::Config> config_;
  std::optional<config::Shard> outside_shard_;
  std::optional<log::Level> cli_level_;
  std::uint64_t fd_limit_ = 0;          // soft RLIMIT_NOFILE after raising it to the hard limit
  std::uint64_t http_connections_ = 0;  // [http] max_connections of the running server
  boost::asio::io_context io_{1};
  std::unique_ptr<store::Store> store_;
  std::shared_ptr<prometheus::BridgeMetrics> metrics_;
  std::unique_ptr<ShardInfoMetric> shard_info_;
  std::shared_ptr<prometheus::ReadingsCollectable> readings_;
  std::shared_ptr<prometheus::Exposition> exposition_;
  std::unique_ptr<status::FleetHistory> history_;
  std::unique_ptr<api::HttpServer> http_;
  std::unique_ptr<mqtt::MetricsObserver> mqtt_observer_;
  std::unique_ptr<mqtt::Exporter> mqtt_;
  std::shared_ptr<prometheus::ProfileMetrics> profile_metrics_ = std::make_shared<prometheus::ProfileMetrics>();
  ProfileMarks profile_marks_;
  std::unique_ptr<ProfileBackfill> backfill_;
  std::unique_ptr<ReadingsCounter> readings_counter_;
  ReadingFanout fanout_;
  std::unique_ptr<prometheus::PollerMetricsObserver> poller_observer_;  // before fleet_: outlives it
  std::unique_ptr<poller::Fleet> fleet_;
  SystemdNotifier notifier_{io_, [this] { return status_line(); }};

  std::string status_line() const {
    std::optional<MqttState> mqtt;
    if (mqtt_) mqtt = MqttState{mqtt_->stats().connected, store_->outbox_count()};
    return service_status_line(fleet_->statuses(), mqtt, bridge::wall_ms());
  }
};

}  // namespace

int run_service(const std::filesystem::path& config_path, const std::string& shard,
                std::optional<log::Level> cli_level) {
  const AllocatorTuning tuned = tune_allocator_for_service();  // before any thread exists
  auto outside = shard_outside_file(shard);
  if (!outside) {
    std::cerr << "dlms-bridge: " << outside.error() << "\n";
    return 1;
  }
  auto loaded = load_for_shard(config_path, *outside);
  if (!loaded) {
    print_config_errors(loaded.error());
    return 1;
  }
  if (!cli_level) {
    log::Level level;
    if (log::parse_level(loaded->bridge.log_level, level)) log::set_level(level);
  }
  log::debug("allocator", {{"arena_max", tuned.arena_max ? std::to_string(kServiceArenaMax) : "environment"},
                          {"mmap_threshold", tuned.mmap_threshold ? std::to_string(kServiceMmapThreshold) : "environment"}});
  Service service(std::move(*loaded), *outside, cli_level);
  return service.run();
}

}  // namespace bridge::app
