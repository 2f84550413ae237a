#pragma once
// What the poller produces and every exporter consumes.
#include <cstdint>
#include <string>
#include <vector>

namespace bridge {

struct RegisterValue {
  std::string key;         // telemetry key, e.g. "voltage_l1"
  std::string obis;        // canonical text, e.g. "1-1:32.7.0.255" -> printed "1-1:32.7.0"
  double value = 0;        // raw * 10^scaler, in the meter's unit
  std::int64_t raw = 0;    // raw integer value as read (0 for non-integer types)
  int scaler = 0;
  int unit = 0;            // DLMS unit enumeration (35 = V, 33 = A, 27 = W, 30 = Wh, 44 = Hz, ...)
};

struct Reading {
  std::string meter;             // meter id from config
  std::string device_name;       // ThingsBoard device name (defaults to meter id)
  std::int64_t ts_ms = 0;        // read time, ms since the Unix epoch (UTC)
  std::vector<RegisterValue> values;
};

// Receives readings as they are made (MQTT outbox, Prometheus readings cache). Called on the
// poller's thread: implementations must not block (queue and return).
class ReadingSink {
 public:
  virtual ~ReadingSink() = default;
  virtual void on_reading(const Reading& reading) = 0;
};

}  // namespace bridge
