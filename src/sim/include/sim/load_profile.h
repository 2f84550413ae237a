#pragma once
// The load profile of a simulated meter: Profile Generic (class 7 v1) 1-0:99.1.0.
//   columns: clock 0-0:1.0.0/2, active energy 1-B:1.8.0/2, active power 1-B:1.7.0/2,
//            voltage L1 1-B:32.7.0/2 (B = the profile's OBIS channel)
//   capture period 900 s; a full buffer of kLoadProfileEntries entries, the newest at the last
//   quarter hour of the meter's own clock (so a drifted or SET clock stamps the entries).
// Entry values are a pure function of (seed, meter, entry time): they are the meter's
// measurements at that time (energy keeps counting backwards from the start, never below 0).
// The buffer honours selective access by range (on the clock column, both ends inclusive, with
// selected columns) and by entry (entry and column ranges, 0 = "to the last"), and is served
// with block transfer when it does not fit one APDU.
#include <cstdint>
#include <vector>

#include "bridge/result.h"
#include "dlms/cosem/get.h"
#include "dlms/cosem/selective_access.h"
#include "dlms/cosem/value.h"
#include "sim/objects.h"

namespace sim {

inline constexpr std::uint32_t kLoadProfilePeriodS = 900;
inline constexpr std::uint32_t kLoadProfileEntries = 960;  // ten days of quarter hours

std::vector<dlms::cosem::CaptureObject> load_profile_columns(const Profile& profile);

// Attributes 2..8 of the load profile; `access` only for attribute 2.
bridge::Result<dlms::cosem::Value, AccessResult> read_load_profile(std::int8_t attribute,
                                                                   const dlms::cosem::SelectiveAccess* access,
                                                                   const ReadContext& ctx);

}  // namespace sim
