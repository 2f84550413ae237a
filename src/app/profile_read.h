#pragma once
// `dlms-bridge read --profile`: a Profile Generic buffer (the load profile) read with selective
// access and turned into rows of named, scaled, unit-converted columns (docs/protocol.md 1.19-1.20).
//
// Reads attribute 3 (capture objects), 4 (capture period), the scaler_unit of each register
// column, the clock (for its deviation, and "now" for --last), then the buffer:
//   --from/--to  range on the clock column, both ends inclusive;
//   --last N     range from the N-th latest capture time to the meter's now (capture period
//                > 0), else an explicit entry range from attribute 7 (entries in use);
//   neither      the whole buffer, without selective access.
// A to_entry of 0 ("to the last entry") is never sent: some meters crash on it.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bridge/result.h"
#include "bridge/transport/connection.h"
#include "dlms/cosem/date_time.h"
#include "dlms/cosem/selective_access.h"

namespace bridge::app {

struct ProfileQuery {
  transport::LogicalName ln{};
  std::optional<dlms::cosem::UtcTime> from;
  std::optional<dlms::cosem::UtcTime> to;
  std::optional<std::uint32_t> last;
};

struct ProfileColumn {
  dlms::cosem::CaptureObject object;
  std::string name;  // "time" for the clock, the telemetry key ("active_energy") or the OBIS text
  std::string obis;  // "1-1:1.8.0"
  int scaler = 0;
  int unit = 0;      // DLMS unit code as read
  std::string unit_symbol;  // after conversion: "kWh" for Wh
  double factor = 1;        // value = raw x 10^scaler x factor
};

struct ProfileCell {
  std::optional<double> number;  // scaled, converted
  std::string text;              // non-numeric data (value_text), time as UTC ISO 8601
};

struct ProfileRow {
  dlms::cosem::UtcTime time{};
  std::vector<ProfileCell> cells;  // one per column; the clock column holds the time text
};

struct ProfileTable {
  transport::LogicalName ln{};
  std::string obis;
  std::uint32_t capture_period = 0;
  std::string selection;  // "range 2026-...Z..2026-...Z", "entries 951..960", "all"
  std::vector<ProfileColumn> columns;
  std::optional<std::size_t> clock_index;  // the clock column, if the profile has one
  std::vector<ProfileRow> rows;
};

awaitable<Result<ProfileTable, transport::Error>> read_profile(transport::DlmsConnection& connection,
                                                                          ProfileQuery query);

// The pieces read_profile is made of, for the backfill (profile_backfill.h), which plans its
// ranges from the capture period and the meter's clock before it reads any row.
// Attributes 3 and 4 and every register column's scaler_unit: a table without rows.
awaitable<Result<ProfileTable, transport::Error>> read_profile_layout(transport::DlmsConnection& connection,
                                                                      transport::LogicalName ln);
// The meter's clock (the profile's clock column object): its time and its deviation, in which
// the range bounds are written. Fails when the profile has no clock column.
struct MeterClock {
  dlms::cosem::UtcTime now{};
  std::int16_t deviation = 0;
};
awaitable<Result<MeterClock, transport::Error>> read_profile_clock(transport::DlmsConnection& connection,
                                                                   const ProfileTable& table);
// Appends the rows captured in [from, to] (both inclusive; range selective access on the clock
// column) to table.rows, oldest first.
awaitable<Result<void, transport::Error>> read_profile_range(transport::DlmsConnection& connection,
                                                             ProfileTable& table, dlms::cosem::UtcTime from,
                                                             dlms::cosem::UtcTime to, std::int16_t deviation);

}  // namespace bridge::app
