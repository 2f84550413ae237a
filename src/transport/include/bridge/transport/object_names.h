#pragma once
// Human descriptions of well-known COSEM objects (IEC 62056-6-1 OBIS groups, Microstar
// Appendix A), for `dlms-bridge read --list` and the meter inventory. Unknown codes give "".
#include <array>
#include <cstdint>
#include <string>

namespace bridge::transport {

using LogicalName = std::array<std::uint8_t, 6>;

// "Phase L1 voltage, instantaneous", "Active energy import (+A), total", "Clock", or "".
std::string describe_object(const LogicalName& ln);

// Canonical "A-B:C.D.E" text, with "*F" only when F != 255 (the `obis` label form).
std::string obis_text(const LogicalName& ln);

// Name of a COSEM interface class ("Register", "Profile generic"), or "" when unknown.
std::string_view class_name(int class_id);

}  // namespace bridge::transport
