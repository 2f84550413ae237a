#include "connection.h"

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <algorithm>
#include <mutex>

#include "bridge/log.h"

namespace bridge::mqtt {
namespace {

using bridge::labels::PublishFailure;

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

// The network loop wakes at least this often to notice stop().
constexpr int kLoopTimeoutMs = 100;

}  // namespace

bool connack_is_auth_failure(int rc) {
  return rc == CONNACK_REFUSED_BAD_USERNAME_PASSWORD || rc == CONNACK_REFUSED_NOT_AUTHORIZED ||
         rc == MQTT_RC_BAD_USERNAME_OR_PASSWORD || rc == MQTT_RC_NOT_AUTHORIZED || rc == MQTT_RC_BANNED ||
         rc == MQTT_RC_BAD_AUTHENTICATION_METHOD;
}

std::string connack_text(int rc) {
  // 3.1.1 codes are 1..5, MQTT 5 reason codes are >= 0x80.
  if (rc < 0x80) return mosquitto_connack_string(rc);
  return mosquitto_reason_string(rc);
}

Connection::Connection(ConnectionSettings settings, ConnectionEvents events, std::uint64_t generation)
    : settings_(std::move(settings)), events_(std::move(events)), generation_(generation) {}

Connection::~Connection() { stop(false); }

Result<void, std::string> Connection::start() {
  init_library();
  mosq_ = mosquitto_new(settings_.client_id.c_str(), settings_.clean_session, this);
  if (mosq_ == nullptr) return fail(std::string("mosquitto_new failed (client id or memory)"));
  mosquitto_threaded_set(mosq_, true);
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION,
                       settings_.protocol == Protocol::v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
  // The exporter never hands more than max_inflight; matching the send window means libmosquitto
  // sends each message at once instead of queueing it behind the window.
  mosquitto_int_option(mosq_, MOSQ_OPT_SEND_MAXIMUM,
                       static_cast<int>(std::clamp<std::size_t>(settings_.max_inflight, 1, 65535)));
  mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);
  if (!settings_.username.empty()) {
    const int rc = mosquitto_username_pw_set(mosq_, settings_.username.c_str(),
                                             settings_.password.empty() ? nullptr : settings_.password.c_str());
    if (rc != MOSQ_ERR_SUCCESS) return fail(std::string("username/password: ") + mosquitto_strerror(rc));
  }
  if (settings_.tls.enabled) {
    const auto opt = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
    const int rc = mosquitto_tls_set(mosq_, opt(settings_.tls.ca_file), nullptr, opt(settings_.tls.cert_file),
                                     opt(settings_.tls.key_file), nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
      return fail("TLS settings (ca_file " + settings_.tls.ca_file + ", cert_file " + settings_.tls.cert_file +
                  "): " + mosquitto_strerror(rc));
    }
  }
  mosquitto_connect_callback_set(mosq_, &Connection::on_connect);
  mosquitto_publish_callback_set(mosq_, &Connection::on_publish);
  mosquitto_log_callback_set(mosq_, &Connection::on_log);
  {
    std::lock_guard lock(mutex_);
    stop_ = false;
  }
  thread_ = std::thread([this] { run(); });
  return {};
}

void Connection::stop(bool graceful) {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    graceful_ = graceful;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (mosq_ != nullptr) {
    mosquitto_destroy(mosq_);
    mosq_ = nullptr;
  }
  connected_ = false;
}

bool Connection::wait_or_stop(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, delay, [this] { return stop_; });
}

Connection::PublishResult Connection::publish(const std::string& topic, const std::string& payload) {
  PublishResult result;
  result.rc = mosquitto_publish(mosq_, &result.mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(),
                                1, false);
  // For QoS 1, libmosquitto queues the message before it tries to send it: a send error
  // (no connection yet, connection lost) still leaves it queued for the resend after reconnect.
  switch (result.rc) {
    case MOSQ_ERR_SUCCESS:
    case MOSQ_ERR_NO_CONN:
    case MOSQ_ERR_CONN_LOST:
    case MOSQ_ERR_ERRNO:
      result.queued = result.mid != 0;
      break;
    default:
      result.queued = false;
  }
  return result;
}

void Connection::on_connect(struct mosquitto*, void* self, int rc) {
  auto* c = static_cast<Connection*>(self);
  c->connack_rc_ = rc;
  if (rc == 0) {
    c->connected_ = true;
    if (c->events_.connected) c->events_.connected(c->generation_);
  }
}

void Connection::on_publish(struct mosquitto*, void* self, int mid) {
  auto* c = static_cast<Connection*>(self);
  if (c->events_.acked) c->events_.acked(c->generation_, mid);
}

void Connection::on_log(struct mosquitto*, void* self, int level, const char* text) {
  if ((level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING)) == 0 || text == nullptr) return;
  auto* c = static_cast<Connection*>(self);
  std::lock_guard lock(c->mutex_);
  c->last_log_error_ = text;
}

void Connection::run() {
  auto backoff = std::max(settings_.reconnect_min, std::chrono::milliseconds(1));
  bool first = true;
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stop_) break;
      last_log_error_.clear();
    }
    connack_rc_ = -1;
    int rc = first ? mosquitto_connect_async(mosq_, settings_.host.c_str(), settings_.port,
                                             static_cast<int>(settings_.keepalive.count()))
                   : mosquitto_reconnect_async(mosq_);
    first = false;
    if (rc == MOSQ_ERR_SUCCESS) {
      while (true) {
        {
          std::lock_guard lock(mutex_);
          if (stop_) break;
        }
        rc = mosquitto_loop(mosq_, kLoopTimeoutMs, 1);
        if (rc != MOSQ_ERR_SUCCESS) break;
      }
      if (rc == MOSQ_ERR_SUCCESS) break;  // stop requested while the loop was healthy
    }
    const bool was_connected = connected_.exchange(false);
    if (connack_rc_ == 0) backoff = std::max(settings_.reconnect_min, std::chrono::milliseconds(1));

    PublishFailure reason = PublishFailure::not_connected;
    std::string detail;
    if (connack_rc_ > 0) {
      detail = "broker refused the connection: " + connack_text(connack_rc_);
      if (connack_is_auth_failure(connack_rc_)) reason = PublishFailure::auth;
    } else if (rc == MOSQ_ERR_TLS || rc == MOSQ_ERR_TLS_HANDSHAKE || rc == MOSQ_ERR_OCSP) {
      reason = PublishFailure::tls;
      detail = std::string("TLS failure: ") + mosquitto_strerror(rc);
    } else if (rc == MOSQ_ERR_ERRNO) {
      detail = std::string(mosquitto_strerror(rc));  // strerror(errno) text
    } else {
      detail = mosquitto_strerror(rc);
    }
    {
      std::lock_guard lock(mutex_);
      if (stop_) break;
      if (!last_log_error_.empty()) detail += " (" + last_log_error_ + ")";
      // OpenSSL reports certificate problems through the log before the socket error.
      if (last_log_error_.find("OpenSSL") != std::string::npos || last_log_error_.find("SSL") != std::string::npos ||
          last_log_error_.find("certificate") != std::string::npos) {
        reason = PublishFailure::tls;
      }
    }
    if (events_.failed) events_.failed(generation_, reason, detail, was_connected);
    if (wait_or_stop(backoff)) break;
    backoff = std::min(backoff * 2, std::max(settings_.reconnect_max, settings_.reconnect_min));
  }

  bool graceful;
  {
    std::lock_guard lock(mutex_);
    graceful = graceful_;
  }
  if (graceful && connected_.load()) {
    mosquitto_disconnect(mosq_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (std::chrono::steady_clock::now() < deadline) {
      if (mosquitto_loop(mosq_, 20, 1) != MOSQ_ERR_SUCCESS) break;
    }
  }
  connected_ = false;
}

}  // namespace bridge::mqtt
