#pragma once
// ThingsBoard (gateway and device API) and plain-topic message formats. Pure functions, built
// with nlohmann-json:
//   gateway  v1/gateway/connect    {"device":"<name>","type":"<type>"}
//            v1/gateway/attributes {"<name>":{"host":…,"port":…,"registers":[…],"interval":…,"bridge_version":…}}
//            v1/gateway/telemetry  {"<name>":[{"ts":<ms>,"values":{"<key>":<double>,…}},…]}
//   device   v1/devices/me/telemetry {"ts":<ms>,"values":{…}}
//   topic    <topic_template with {meter}> {"ts":<ms>,"values":{…}}
// Every value is a JSON double (230.0, never 230) so a key keeps one type in ThingsBoard (a long
// and a double under one ts make hidden duplicates, thingsboard#12160). Non-finite values are
// left out (JSON has no NaN).
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "bridge/mqtt/meter_info.h"
#include "bridge/mqtt/options.h"
#include "bridge/reading.h"

namespace bridge::mqtt {

inline constexpr std::string_view kGatewayConnectTopic = "v1/gateway/connect";
inline constexpr std::string_view kGatewayAttributesTopic = "v1/gateway/attributes";
inline constexpr std::string_view kGatewayTelemetryTopic = "v1/gateway/telemetry";
inline constexpr std::string_view kDeviceTelemetryTopic = "v1/devices/me/telemetry";

// One PUBLISH: topic + payload.
struct Message {
  std::string topic;
  std::string payload;
};

// The device name a reading is published under (device_name, or the meter id).
std::string_view device_name_of(const Reading& reading);

// {"ts":…,"values":{…}}
std::string telemetry_entry(const Reading& reading);

// The message for a single reading in the given mode: the outbox stores exactly this, so a
// replayed reading is byte-identical to the live one.
Message reading_message(const Reading& reading, Mode mode, std::string_view topic_template);

// topic_template with every "{meter}" replaced by the device name.
std::string expand_topic(std::string_view topic_template, std::string_view device_name);

Message gateway_connect(const MeterInfo& meter, std::string_view device_type);
Message gateway_attributes(const MeterInfo& meter, std::string_view bridge_version);

// Merges gateway telemetry payloads ({"<name>":[entries]}) into one, keeping the order of
// entries per device. Returns nullopt if a payload is not a gateway telemetry object.
std::optional<std::string> merge_gateway_telemetry(std::span<const std::string_view> payloads);

}  // namespace bridge::mqtt
