#pragma once
// The one hex rendering of bytes in the project: frames in logs, diagnostics, the trace of
// `dlms-bridge read` and the codec's tests all print "7E A0 07", so a frame copied from one
// place can be searched for in another.
#include <cstdint>
#include <span>
#include <string>

namespace bridge {

// "7E A0 07": upper-case hex, one space between bytes, no trailing space; "" for no bytes.
std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace bridge
