#pragma once
// [[meter.profile]]: a load profile (Profile Generic, class 7) the bridge reads to publish the
// meter's own record of every interval, so an outage of the meter, its link or the bridge
// leaves no gap in MQTT (docs/contract.md, "Load-profile backfill").
#include <chrono>
#include <vector>

#include "bridge/config/duration.h"
#include "bridge/config/obis.h"

namespace bridge::config {

struct ProfileConfig {
  // The Profile Generic object, usually 1-0:99.1.0.
  ObisCode obis{{1, 0, 99, 1, 0, 255}};
  // How far back a catch-up reaches: rows older than now - backfill are never read (after a
  // week-long outage the bridge publishes the last `backfill` of it, not the whole buffer).
  Duration backfill = std::chrono::hours(24);
  // How often the profile is read while the meter is associated (right after every
  // association too): each read publishes the rows captured since the last published one.
  Duration interval = std::chrono::minutes(15);
  friend bool operator==(const ProfileConfig&, const ProfileConfig&) = default;
};

}  // namespace bridge::config
