#pragma once
// The MQTT form of a load-profile row published by the backfill (docs/contract.md, "Load-profile
// backfill"): the same topic and telemetry entry as a live reading, with `ts` = the row's capture
// time on the meter's clock, plus two keys beside `ts` and `values`:
//   {"ts":<capture ms>,"values":{"active_energy":12345.0,…},"backfill":true,"profile":"1-0:99.1.0"}
// In gateway mode the entry sits in {"<device>":[entry]} on v1/gateway/telemetry, as live ones.
// ThingsBoard stores `values` under `ts` and ignores the other keys; consumers that must tell a
// catch-up from a live reading read `backfill`.
#include <string_view>

#include "bridge/mqtt/options.h"
#include "bridge/mqtt/payload.h"
#include "bridge/reading.h"

namespace bridge::mqtt {

// {"ts":…,"values":{…},"backfill":true,"profile":"<obis>"}
std::string backfill_entry(const Reading& row, std::string_view profile);

// The message for one profile row in the given mode (what the outbox stores).
Message backfill_message(const Reading& row, std::string_view profile, Mode mode, std::string_view topic_template);

// True when `entry` (one telemetry entry object as text) is marked as backfill.
bool is_backfill_entry(std::string_view entry);

}  // namespace bridge::mqtt
