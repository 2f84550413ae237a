#pragma once
// One MQTT connection: a libmosquitto client plus the network thread that drives it.
//
// Why not mosquitto_loop_start(): its thread runs mosquitto_loop_forever(), which RETURNS (and
// never reconnects again) on "fatal" codes such as MOSQ_ERR_TLS, MOSQ_ERR_PROTOCOL or
// MOSQ_ERR_EAI. A TLS handshake failure or a DNS hiccup would silently end publishing for the
// life of the process. This thread runs mosquitto_loop() itself and reconnects forever with
// capped exponential backoff (reconnect_min doubling to reconnect_max, reset after a CONNACK),
// classifying every failure (auth, tls, not_connected) for metrics and events.
//
// libmosquitto keeps every unacknowledged QoS 1 PUBLISH in memory and resends it (DUP, same mid)
// after a reconnect; the exporter bounds that memory by never handing more than its window.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "bridge/labels.h"
#include "bridge/mqtt/options.h"
#include "bridge/result.h"

struct mosquitto;

namespace bridge::mqtt {

struct ConnectionSettings {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string client_id;
  std::string username;
  std::string password;
  TlsOptions tls;
  Protocol protocol = Protocol::v311;
  std::chrono::seconds keepalive{60};
  bool clean_session = true;
  std::chrono::milliseconds reconnect_min{1000};
  std::chrono::milliseconds reconnect_max{60000};
  std::size_t max_inflight = 100;
};

// Called on the network thread; must not block and must not call back into the Connection
// (except publish()).
struct ConnectionEvents {
  std::function<void(std::uint64_t generation)> connected;
  // A connection attempt failed or an established connection was lost.
  std::function<void(std::uint64_t generation, bridge::labels::PublishFailure reason, const std::string& detail,
                     bool was_connected)>
      failed;
  std::function<void(std::uint64_t generation, int mid)> acked;
};

class Connection {
 public:
  Connection(ConnectionSettings settings, ConnectionEvents events, std::uint64_t generation);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Creates the client and starts the network thread. An error here is a configuration error
  // (unreadable TLS files, invalid client id): nothing to retry.
  Result<void, std::string> start();
  // graceful: send DISCONNECT first (bounded by 1 s). Joins the network thread; the client and
  // every message it still held are freed.
  void stop(bool graceful);

  struct PublishResult {
    int rc = 0;        // MOSQ_ERR_*
    int mid = 0;       // valid when queued
    bool queued = false;  // libmosquitto holds the message and will (re)send it
  };
  PublishResult publish(const std::string& topic, const std::string& payload);

  std::uint64_t generation() const { return generation_; }
  bool connected() const { return connected_.load(); }

 private:
  static void on_connect(struct mosquitto*, void* self, int rc);
  static void on_publish(struct mosquitto*, void* self, int mid);
  static void on_log(struct mosquitto*, void* self, int level, const char* text);
  void run();
  bool wait_or_stop(std::chrono::milliseconds delay);

  ConnectionSettings settings_;
  ConnectionEvents events_;
  const std::uint64_t generation_;
  struct mosquitto* mosq_ = nullptr;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool graceful_ = false;
  std::atomic<bool> connected_{false};
  int connack_rc_ = 0;         // network thread only
  std::string last_log_error_;  // network thread only
};

// "connection refused (bad user name or password)" etc. for a CONNACK code (3.1.1 or 5).
std::string connack_text(int rc);
bool connack_is_auth_failure(int rc);

}  // namespace bridge::mqtt
