#pragma once
// Profile Generic (class 7, Blue Book 4.3.6, docs/protocol.md 1.20), the load profile's shape:
//   attribute 2 buffer          array of structure{one Data per capture object}
//   attribute 3 capture_objects array of capture_object_definition (selective_access.h)
//   attribute 4 capture_period  double-long-unsigned seconds (0 = asynchronous capture)
//   attribute 7 entries_in_use  double-long-unsigned
// A meter may send null-data in the clock column of an entry whose time follows from the
// previous entry plus the capture period (Blue Book "compression"); entry_times() fills it in.
#include <cstdint>
#include <optional>
#include <vector>

#include "bridge/result.h"
#include "dlms/cosem/date_time.h"
#include "dlms/cosem/selective_access.h"
#include "dlms/cosem/value.h"

namespace dlms::cosem {

inline constexpr std::uint16_t kProfileGenericClass = 7;
inline constexpr std::uint16_t kClockClass = 8;

enum class ProfileError : std::uint8_t {
  not_an_array,      // attribute 2 or 3 is not an array
  bad_entry,         // a buffer entry is not a structure with one value per column
  bad_capture_object,
  bad_capture_period,
  bad_time,          // a clock column value is not a usable date-time (and cannot be derived)
};
std::string_view to_label(ProfileError e);

using ProfileEntry = std::vector<Value>;

bridge::Result<std::vector<CaptureObject>, ProfileError> decode_capture_objects(const Value& attribute3);
bridge::Result<std::uint32_t, ProfileError> decode_capture_period(const Value& attribute4);
// Every entry must have exactly `columns` values (the capture objects, or the selected ones).
bridge::Result<std::vector<ProfileEntry>, ProfileError> decode_buffer(const Value& attribute2, std::size_t columns);

// Index of the clock column (class 8, attribute 2), if the profile has one.
std::optional<std::size_t> clock_column(const std::vector<CaptureObject>& columns);
// A date-time column value: octet-string(12) or date-time Data.
bridge::Result<DateTime, DateTimeError> column_date_time(const Value& v);
// UTC time of each entry from its clock column; null-data follows the previous entry by
// capture_period seconds. A deviation the meter left unspecified is taken as `assumed_deviation`.
bridge::Result<std::vector<UtcTime>, ProfileError> entry_times(const std::vector<ProfileEntry>& entries,
                                                                std::size_t clock_index, std::uint32_t capture_period,
                                                                std::int16_t assumed_deviation = 0);

}  // namespace dlms::cosem
