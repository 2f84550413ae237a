#pragma once
// COSEM date-time (Blue Book 4.1.6.1, docs/protocol.md 1.18) beyond its 12 bytes: which fields
// are "not specified", the UTC instant a complete value denotes, ISO 8601 text both ways, and
// the clock status bits.
//
//   year(2) month day weekday hour minute second hundredths deviation(int16) status
//   not specified: year 0xFFFF, the one-byte fields 0xFF, deviation 0x8000 (-32768).
//   deviation: minutes from local time to UTC, so UTC = local + deviation (CET = -60, the
//   opposite sign of the ISO 8601 offset, which is -deviation).
//   status bits: 0 invalid value, 1 doubtful value, 2 different clock base, 3 invalid clock
//   status, 7 daylight saving active; 0xFF = not specified.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "bridge/result.h"
#include "dlms/cosem/value.h"

namespace dlms::cosem {

using UtcTime = std::chrono::sys_time<std::chrono::milliseconds>;

inline constexpr std::int16_t kDeviationNotSpecified = static_cast<std::int16_t>(0x8000);

enum class DateTimeError : std::uint8_t {
  incomplete,      // a field a UTC instant needs is "not specified" (or a wildcard such as 0xFD)
  no_deviation,    // deviation 0x8000: local time of an unknown zone
  out_of_range,    // a field outside its range (month 13, minute 60, deviation beyond +-720...)
  bad_text,        // ISO 8601 text not of the accepted form
};
std::string_view to_label(DateTimeError e);

// Year, month, day, hour, minute and second all specified and in range (hundredths may be
// unspecified: they count as 0).
bool is_complete(const DateTime& dt);
// The UTC instant of a complete date-time with a specified deviation.
bridge::Result<UtcTime, DateTimeError> to_utc(const DateTime& dt);
// The date-time a meter with this deviation shows at `instant` (weekday filled in, status kept).
DateTime from_utc(UtcTime instant, std::int16_t deviation = 0, std::uint8_t status = 0);

// Local time with the offset: "2002-12-04T10:06:11-02:00" (deviation 120), ".50" when the
// hundredths are specified, no offset when the deviation is not; unspecified fields print as
// asterisks ("****-12-04T10:06:11") so a wildcard never looks like a real time.
std::string to_iso8601(const DateTime& dt);
// "2026-11-29T21:00:00Z" (".250Z" when the instant has milliseconds).
std::string utc_text(UtcTime instant);
// "invalid_value,doubtful_value" ..., "ok" for 0, "not_specified" for 0xFF.
std::string clock_status_text(std::uint8_t status);

// ISO 8601 instant: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM); a space may replace the T.
bridge::Result<UtcTime, DateTimeError> parse_iso8601(std::string_view text);

}  // namespace dlms::cosem
