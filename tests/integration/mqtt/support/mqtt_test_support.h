#pragma once
// Test helpers for the MQTT exporter: a real mosquitto broker on a loopback ephemeral port, a
// libmosquitto subscriber that records everything, and a scripted fake broker in the style of
// eclipse/mosquitto test/lib (the test is the broker: it decides when to PUBACK or hang up).
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "testing/process.h"

struct mosquitto;
struct mosquitto_message;

namespace mqtt_testing {

// mosquitto with `listener <port> 127.0.0.1`, persistence in its directory (so a durable
// subscriber session and its queued messages survive a restart) plus extra config lines.
class MosquittoBroker {
 public:
  MosquittoBroker(std::filesystem::path dir, std::string extra_config = "allow_anonymous true\n", int port = 0);
  ~MosquittoBroker();
  void start();  // waits until the port accepts connections
  void stop();   // SIGTERM (saves persistence), waits for exit
  void kill();   // SIGKILL
  bool running();
  int port() const { return port_; }
  std::string log() const;

 private:
  std::filesystem::path dir_;
  std::string extra_;
  int port_;
  testing_support::Child child_;
};

struct Received {
  std::string topic;
  std::string payload;
};

// Subscribes to '#' with QoS 1 and a persistent session (clean_session=false): nothing
// published while it reconnects is missed.
class Subscriber {
 public:
  Subscriber(int port, std::string client_id, std::string topic = "#");
  ~Subscriber();
  bool wait_subscribed(std::chrono::milliseconds timeout);
  std::vector<Received> messages();
  std::size_t count();
  // Waits until pred(messages) is true.
  bool wait_for(const std::function<bool(const std::vector<Received>&)>& pred, std::chrono::milliseconds timeout);

 private:
  static void on_connect(struct mosquitto*, void*, int);
  static void on_subscribe(struct mosquitto*, void*, int, int, const int*);
  static void on_message(struct mosquitto*, void*, const struct mosquitto_message*);
  struct mosquitto* mosq_ = nullptr;
  std::string topic_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool subscribed_ = false;
  std::vector<Received> messages_;
};

// Scripted MQTT 3.1.1 broker: CONNECT -> CONNACK 0, PINGREQ -> PINGRESP, and for every
// PUBLISH asks the policy whether to PUBACK, PUBACK after puback_delay (while it goes on
// reading), stay silent or close the connection first.
class FakeBroker {
 public:
  enum class Action { puback, delayed_puback, ignore, drop };
  struct Publish {
    int connection = 0;  // 1 = first accepted connection
    std::string topic;
    std::string payload;
    int mid = 0;
    int qos = 0;
    bool dup = false;
  };
  using Policy = std::function<Action(const Publish&)>;

  explicit FakeBroker(Policy policy, std::chrono::milliseconds puback_delay = std::chrono::milliseconds(0));
  ~FakeBroker();
  int port() const { return port_; }
  int connections();
  std::vector<Publish> publishes();
  // The publishes whose PUBACK was actually written to the client: what the broker took over.
  std::vector<Publish> acknowledged();
  bool wait_for(const std::function<bool(const std::vector<Publish>&)>& pred, std::chrono::milliseconds timeout);

 private:
  void run();
  bool serve(int fd, int connection);

  Policy policy_;
  std::chrono::milliseconds puback_delay_;
  int listen_fd_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  int connections_ = 0;
  std::vector<Publish> publishes_;
  std::vector<Publish> acknowledged_;
};

// Self-signed certificate for 127.0.0.1 (subjectAltName IP) made with the openssl CLI.
struct Cert {
  std::filesystem::path cert;
  std::filesystem::path key;
};
Cert make_self_signed_cert(const std::filesystem::path& dir, const std::string& name);

}  // namespace mqtt_testing
