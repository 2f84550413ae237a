#pragma once
// One MQTT connection as the exporter sees it: its settings, the libmosquitto Connection of the
// current generation, and the lifecycle around it (connected, failing, rebuilt after an ack
// timeout), logged and reported once per state change. A Channel is the outbox pump's
// Publisher for its lane; the pump keeps the in-flight window (which message carries which
// rows) because PUBACKs are settled against rows.
//
// Threads: the Connection's network thread only pushes NetEvents through `notify`; every
// method here runs on the exporter's publisher thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "bridge/labels.h"
#include "bridge/mqtt/options.h"
#include "connection.h"
#include "publisher.h"
#include "report.h"

namespace bridge::mqtt {

// Something that happened on a network thread, delivered to the publisher thread.
struct NetEvent {
  enum class Kind { connected, failed, acked } kind;
  std::size_t channel = 0;
  std::uint64_t generation = 0;
  int mid = 0;
  bridge::labels::PublishFailure reason = bridge::labels::PublishFailure::not_connected;
  std::string detail;
  bool was_connected = false;
};

// Settings of the connection for `meter` (device mode, with its token) or the shared one
// (meter and token empty).
ConnectionSettings connection_settings(const Options& options, const std::string& meter, const std::string& token);

class Channel final : public Publisher {
 public:
  using Notify = std::function<void(NetEvent)>;

  // Opens the first connection at once. notify is called on network threads.
  Channel(std::size_t index, std::string meter, ConnectionSettings settings, Report& report, Notify notify);
  ~Channel() override;
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // Events from an earlier generation are from a connection already replaced: ignore them.
  bool current(const NetEvent& e) const { return e.generation == generation_; }

  // A CONNACK (inflight: messages the pump still waits for, resent by libmosquitto).
  void on_connected(std::size_t inflight);
  void on_failed(const NetEvent& e, std::int64_t outbox_rows);
  // No PUBACK within ack_timeout: counted, logged, event, and the connection rebuilt (a new
  // generation; everything libmosquitto held is freed). The caller forgets the pump's window.
  void on_ack_timeout(std::size_t inflight, std::chrono::milliseconds ack_timeout);
  // graceful: DISCONNECT first. Acks that race with it still arrive through notify.
  void close(bool graceful);

  PublishResult publish(const std::string& topic, const std::string& payload) override;
  bool connected() const override { return connected_; }

  const std::string& meter() const { return meter_; }

 private:
  void open();

  const std::size_t index_;
  const std::string meter_;  // device mode: the one meter this connection publishes; empty: all
  const ConnectionSettings settings_;
  Report& report_;
  Notify notify_;
  std::unique_ptr<Connection> conn_;
  std::uint64_t generation_ = 0;
  bool connected_ = false;
  bool ever_connected_ = false;
  bool failing_ = false;
  bridge::labels::PublishFailure last_failure_ = bridge::labels::PublishFailure::not_connected;
};

}  // namespace bridge::mqtt
