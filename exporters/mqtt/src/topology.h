#pragma once
// How readings map onto connections and messages, per Options::mode, decided once at
// construction (make_topology) instead of in every code path:
//   gateway  one shared connection; v1/gateway/connect (+ attributes) per meter on every
//            connect and for each new meter; readings batched into v1/gateway/telemetry.
//   device   one connection per meter (its device token), v1/devices/me/telemetry, no batching.
//   topic    one shared connection, topic_template per meter, no batching, no announcements.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bridge/mqtt/meter_info.h"
#include "bridge/mqtt/options.h"
#include "bridge/mqtt/payload.h"
#include "bridge/reading.h"
#include "outbox_pump.h"

namespace bridge::mqtt {

class Topology {
 public:
  virtual ~Topology() = default;

  // true: every meter gets its own connection (and pump lane) when it becomes known;
  // false: one shared connection for every meter, opened at start.
  virtual bool connection_per_meter() const = 0;
  // The outbox row for a reading: exactly what is published, live or replayed.
  virtual Message reading_message(const Reading& reading) const = 0;
  // How the lane of a connection merges rows.
  virtual Batching batching() const = 0;
  // Sent on the shared connection after each CONNACK, for every known meter.
  virtual std::vector<Message> on_connect(const std::map<std::string, MeterInfo>& meters) const = 0;
  // Sent on the shared connection (if up) when a meter becomes known: configured (from
  // on_meter_added) or first seen in a reading.
  virtual std::vector<Message> on_new_meter(const MeterInfo& meter, bool configured) const = 0;
};

std::unique_ptr<Topology> make_topology(const Options& options);

}  // namespace bridge::mqtt
