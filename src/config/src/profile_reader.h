#pragma once
// [[meter.profile]] entries of one [[meter]] table (bridge/config/profile.h).
#include "bridge/config/config.h"
#include "table_reader.h"

namespace bridge::config::detail {

// Appends every valid [[meter.profile]] of the meter `r` reads to m.profiles; each problem is
// reported with its position (missing or bad obis, a duration that is not positive, a horizon
// shorter than the read interval, the same OBIS twice).
void read_meter_profiles(TableReader& r, MeterConfig& m);

}  // namespace bridge::config::detail
