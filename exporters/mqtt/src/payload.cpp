#include "bridge/mqtt/payload.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace bridge::mqtt {
namespace {

using nlohmann::ordered_json;

ordered_json entry_json(const Reading& reading) {
  ordered_json values = ordered_json::object();
  for (const auto& v : reading.values) {
    if (!std::isfinite(v.value)) continue;
    values[v.key] = static_cast<double>(v.value);
  }
  ordered_json entry = ordered_json::object();
  entry["ts"] = reading.ts_ms;
  entry["values"] = std::move(values);
  return entry;
}

}  // namespace

std::string_view device_name_of(const Reading& reading) {
  return reading.device_name.empty() ? std::string_view(reading.meter) : std::string_view(reading.device_name);
}

std::string telemetry_entry(const Reading& reading) { return entry_json(reading).dump(); }

std::string expand_topic(std::string_view topic_template, std::string_view device_name) {
  static constexpr std::string_view kPlaceholder = "{meter}";
  std::string out;
  out.reserve(topic_template.size() + device_name.size());
  std::size_t pos = 0;
  while (true) {
    const auto hit = topic_template.find(kPlaceholder, pos);
    if (hit == std::string_view::npos) break;
    out.append(topic_template.substr(pos, hit - pos));
    out.append(device_name);
    pos = hit + kPlaceholder.size();
  }
  out.append(topic_template.substr(pos));
  return out;
}

Message reading_message(const Reading& reading, Mode mode, std::string_view topic_template) {
  switch (mode) {
    case Mode::gateway: {
      ordered_json body = ordered_json::object();
      body[std::string(device_name_of(reading))] = ordered_json::array({entry_json(reading)});
      return {std::string(kGatewayTelemetryTopic), body.dump()};
    }
    case Mode::device:
      return {std::string(kDeviceTelemetryTopic), telemetry_entry(reading)};
    case Mode::topic:
      return {expand_topic(topic_template, device_name_of(reading)), telemetry_entry(reading)};
  }
  return {};
}

Message gateway_connect(const MeterInfo& meter, std::string_view device_type) {
  ordered_json body = ordered_json::object();
  body["device"] = meter.name();
  body["type"] = std::string(device_type);
  return {std::string(kGatewayConnectTopic), body.dump()};
}

Message gateway_attributes(const MeterInfo& meter, std::string_view bridge_version) {
  ordered_json attrs = ordered_json::object();
  attrs["host"] = meter.host;
  attrs["port"] = meter.port;
  attrs["registers"] = meter.registers;
  // Seconds as a double, like every other number the bridge sends.
  attrs["interval"] = std::chrono::duration<double>(meter.interval).count();
  attrs["bridge_version"] = std::string(bridge_version);
  ordered_json body = ordered_json::object();
  body[meter.name()] = std::move(attrs);
  return {std::string(kGatewayAttributesTopic), body.dump()};
}

std::optional<std::string> merge_gateway_telemetry(std::span<const std::string_view> payloads) {
  if (payloads.size() == 1) return std::string(payloads.front());
  ordered_json merged = ordered_json::object();
  for (const auto text : payloads) {
    auto part = ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!part.is_object()) return std::nullopt;
    for (auto& [device, entries] : part.items()) {
      if (!entries.is_array()) return std::nullopt;
      auto& target = merged[device];
      if (target.is_null()) target = ordered_json::array();
      for (auto& e : entries) target.push_back(std::move(e));
    }
  }
  return merged.dump();
}

}  // namespace bridge::mqtt
