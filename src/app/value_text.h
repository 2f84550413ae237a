#pragma once
// Human text of values read from a meter, shared by `read` and `discover`: register values with
// exactly the decimals their scaler implies, and any other COSEM value (strings, date-times,
// structures) in a readable form.
#include <string>

#include "bridge/transport/connection.h"
#include "dlms/cosem/value.h"

namespace bridge::app {

// Strings quoted, octet-strings as text when printable (serial numbers) else hex, date-times
// ISO 8601 with the offset the deviation gives ("2026-11-30T02:10:11.00Z", asterisks for
// unspecified fields), structures {…} and arrays […].
std::string value_text(const dlms::cosem::Value& value);

// Decimal text with as many decimals as the scaler implies: raw 13519, scaler -2 -> "135.19".
std::string format_scaled(const transport::RegisterRead& r);

// format_scaled for numbers, value_text for anything else.
std::string describe_value(const transport::RegisterRead& r);

}  // namespace bridge::app
