#include "topology.h"

#include <algorithm>

#include "bridge/version.h"

namespace bridge::mqtt {
namespace {

class GatewayTopology final : public Topology {
 public:
  explicit GatewayTopology(const Options& o) : options_(o) {}
  bool connection_per_meter() const override { return false; }
  Message reading_message(const Reading& r) const override { return mqtt::reading_message(r, Mode::gateway, {}); }
  Batching batching() const override {
    Batching b;
    b.max_rows = std::max<std::size_t>(1, options_.max_readings_per_message);
    b.max_bytes = options_.max_payload_bytes;
    b.topic = std::string(kGatewayTelemetryTopic);
    b.merge = merge_gateway_telemetry;
    return b;
  }
  std::vector<Message> on_connect(const std::map<std::string, MeterInfo>& meters) const override {
    std::vector<Message> out;
    for (const auto& [id, info] : meters) announce(info, /*attributes=*/true, out);
    return out;
  }
  std::vector<Message> on_new_meter(const MeterInfo& meter, bool configured) const override {
    std::vector<Message> out;
    announce(meter, configured, out);
    return out;
  }

 private:
  // v1/gateway/connect so the device exists under the gateway; attributes only for meters
  // from the configuration (a meter first seen in a reading has none).
  void announce(const MeterInfo& info, bool attributes, std::vector<Message>& out) const {
    out.push_back(gateway_connect(info, options_.device_type));
    if (attributes && !info.host.empty()) out.push_back(gateway_attributes(info, bridge::version()));
  }
  const Options& options_;
};

// Device and topic modes: one reading per message, nothing announced.
class SingleReadingTopology final : public Topology {
 public:
  SingleReadingTopology(const Options& o, bool per_meter) : options_(o), per_meter_(per_meter) {}
  bool connection_per_meter() const override { return per_meter_; }
  Message reading_message(const Reading& r) const override {
    return mqtt::reading_message(r, options_.mode, options_.topic_template);
  }
  Batching batching() const override {
    Batching b;
    b.max_rows = 1;
    b.max_bytes = options_.max_payload_bytes;
    return b;
  }
  std::vector<Message> on_connect(const std::map<std::string, MeterInfo>&) const override { return {}; }
  std::vector<Message> on_new_meter(const MeterInfo&, bool) const override { return {}; }

 private:
  const Options& options_;
  const bool per_meter_;
};

}  // namespace

std::unique_ptr<Topology> make_topology(const Options& options) {
  switch (options.mode) {
    case Mode::gateway: return std::make_unique<GatewayTopology>(options);
    case Mode::device: return std::make_unique<SingleReadingTopology>(options, /*per_meter=*/true);
    case Mode::topic: return std::make_unique<SingleReadingTopology>(options, /*per_meter=*/false);
  }
  return std::make_unique<GatewayTopology>(options);
}

}  // namespace bridge::mqtt
