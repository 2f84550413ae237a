#include "channel.h"

#include <mosquitto.h>

#include "bridge/log.h"

namespace bridge::mqtt {
namespace {

using bridge::labels::PublishFailure;

// Codes for which retrying the same PUBLISH can never succeed.
bool is_permanent_rejection(int rc) {
  return rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_PAYLOAD_SIZE || rc == MOSQ_ERR_MALFORMED_UTF8 ||
         rc == MOSQ_ERR_OVERSIZE_PACKET || rc == MOSQ_ERR_QOS_NOT_SUPPORTED || rc == MOSQ_ERR_NOT_SUPPORTED;
}

}  // namespace

ConnectionSettings connection_settings(const Options& options, const std::string& meter, const std::string& token) {
  ConnectionSettings s;
  s.host = options.host;
  s.port = options.port;
  s.client_id = options.client_id.empty() ? options.instance : options.client_id;
  if (!meter.empty()) s.client_id += "-" + meter;
  s.username = token.empty() ? options.username : token;
  s.password = token.empty() ? options.password : std::string();
  s.tls = options.tls;
  s.protocol = options.protocol;
  s.keepalive = options.keepalive;
  s.clean_session = options.clean_session;
  s.reconnect_min = options.reconnect_min;
  s.reconnect_max = options.reconnect_max;
  s.max_inflight = options.max_inflight;
  return s;
}

Channel::Channel(std::size_t index, std::string meter, ConnectionSettings settings, Report& report, Notify notify)
    : index_(index), meter_(std::move(meter)), settings_(std::move(settings)), report_(report),
      notify_(std::move(notify)) {
  open();
}

Channel::~Channel() { close(false); }

void Channel::open() {
  generation_++;
  ConnectionEvents ev;
  const std::size_t index = index_;
  ev.connected = [notify = notify_, index](std::uint64_t gen) {
    notify({NetEvent::Kind::connected, index, gen, 0, PublishFailure::not_connected, {}, false});
  };
  ev.failed = [notify = notify_, index](std::uint64_t gen, PublishFailure reason, const std::string& detail, bool was) {
    notify({NetEvent::Kind::failed, index, gen, 0, reason, detail, was});
  };
  ev.acked = [notify = notify_, index](std::uint64_t gen, int mid) {
    notify({NetEvent::Kind::acked, index, gen, mid, PublishFailure::not_connected, {}, false});
  };
  conn_ = std::make_unique<Connection>(settings_, std::move(ev), generation_);
  auto started_ok = conn_->start();
  if (!started_ok) {
    // Configuration problem (e.g. unreadable CA file): nothing will ever connect; say so.
    const bool tls = settings_.tls.enabled;
    report_.publish_failure(tls ? PublishFailure::tls : PublishFailure::rejected);
    log::error("mqtt client setup failed", {{"client_id", settings_.client_id}, {"error", started_ok.error()}});
    report_.emit(Severity::error, "mqtt", "MQTT client setup failed: " + started_ok.error(),
                 details_json({{"reason", tls ? "tls" : "rejected"}, {"client_id", settings_.client_id}}), meter_);
    failing_ = true;
  }
}

void Channel::close(bool graceful) {
  if (conn_) conn_->stop(graceful);
  connected_ = false;
}

void Channel::on_connected(std::size_t inflight) {
  connected_ = true;
  report_.connect(ever_connected_);
  if (failing_ || ever_connected_) {
    log::info("mqtt connected", {{"client_id", settings_.client_id}, {"host", settings_.host},
                                 {"port", settings_.port}, {"inflight", inflight}});
    report_.emit(Severity::info, "mqtt",
                 "MQTT connection to " + settings_.host + ":" + std::to_string(settings_.port) + " established",
                 details_json({{"client_id", settings_.client_id}}), meter_);
  } else {
    log::info("mqtt connected", {{"client_id", settings_.client_id}, {"host", settings_.host},
                                 {"port", settings_.port}});
  }
  ever_connected_ = true;
  failing_ = false;
}

void Channel::on_failed(const NetEvent& e, std::int64_t outbox_rows) {
  connected_ = false;
  report_.publish_failure(e.reason);
  const std::string reason(bridge::labels::to_label(e.reason));
  const bool changed = e.was_connected || !failing_ || last_failure_ != e.reason;
  if (changed) {
    const bool bad_config = e.reason == PublishFailure::auth || e.reason == PublishFailure::tls;
    const std::string what = e.was_connected ? "MQTT connection lost" : "MQTT connect failed";
    log::write(bad_config ? log::Level::error : log::Level::warn, what,
               {{"client_id", settings_.client_id}, {"host", settings_.host}, {"port", settings_.port},
                {"reason", reason}, {"detail", e.detail}, {"outbox", outbox_rows}});
    report_.emit(bad_config ? Severity::error : Severity::warning, "mqtt",
                 what + " (" + reason + "): " + e.detail + "; readings stay in the outbox",
                 details_json({{"reason", reason}, {"client_id", settings_.client_id}, {"detail", e.detail}}), meter_);
  } else {
    log::debug("mqtt connect retry failed", {{"client_id", settings_.client_id}, {"reason", reason},
                                             {"detail", e.detail}});
  }
  failing_ = true;
  last_failure_ = e.reason;
}

void Channel::on_ack_timeout(std::size_t inflight, std::chrono::milliseconds ack_timeout) {
  report_.ack_timeout();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(ack_timeout).count();
  log::warn("mqtt PUBACK timeout; rebuilding the connection and republishing from the outbox",
            {{"client_id", settings_.client_id}, {"inflight", inflight}, {"ack_timeout_s", secs}});
  report_.emit(Severity::warning, "mqtt",
               "no PUBACK within " + std::to_string(secs) + " s; connection rebuilt, unacknowledged readings republished",
               details_json({{"reason", "timeout"}, {"inflight", inflight}}), meter_);
  // Drops everything libmosquitto holds for this channel and starts over.
  close(false);
  open();
}

PublishResult Channel::publish(const std::string& topic, const std::string& payload) {
  const auto res = conn_->publish(topic, payload);
  return PublishResult{res.rc, res.mid, res.queued, !res.queued && is_permanent_rejection(res.rc)};
}

}  // namespace bridge::mqtt
