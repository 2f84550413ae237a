#include "bridge/mqtt/backfill_payload.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

namespace bridge::mqtt {
namespace {

using nlohmann::ordered_json;

ordered_json entry_json(const Reading& row, std::string_view profile) {
  ordered_json values = ordered_json::object();
  for (const auto& v : row.values) {
    if (!std::isfinite(v.value)) continue;  // JSON has no NaN (as live readings)
    values[v.key] = static_cast<double>(v.value);
  }
  ordered_json entry = ordered_json::object();
  entry["ts"] = row.ts_ms;
  entry["values"] = std::move(values);
  entry["backfill"] = true;
  entry["profile"] = std::string(profile);
  return entry;
}

}  // namespace

std::string backfill_entry(const Reading& row, std::string_view profile) { return entry_json(row, profile).dump(); }

Message backfill_message(const Reading& row, std::string_view profile, Mode mode, std::string_view topic_template) {
  switch (mode) {
    case Mode::gateway: {
      ordered_json body = ordered_json::object();
      body[std::string(device_name_of(row))] = ordered_json::array({entry_json(row, profile)});
      return {std::string(kGatewayTelemetryTopic), body.dump()};
    }
    case Mode::device:
      return {std::string(kDeviceTelemetryTopic), backfill_entry(row, profile)};
    case Mode::topic:
      return {expand_topic(topic_template, device_name_of(row)), backfill_entry(row, profile)};
  }
  return {};
}

bool is_backfill_entry(std::string_view entry) {
  auto j = nlohmann::json::parse(entry, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return false;
  auto it = j.find("backfill");
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace bridge::mqtt
