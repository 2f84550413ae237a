#pragma once
// Byte containers shared by every layer of the sans-I/O DLMS core. The API overview of the
// whole library is in dlms/dlms.h.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/hex.h"

namespace dlms {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

// "7E A0 07": the project's one hex rendering (bridge/hex.h), re-exported for the codec.
using bridge::to_hex;

// Parses hex with optional whitespace between bytes ("7EA0 07" works). nullopt on an odd digit
// count or a non-hex character.
std::optional<Bytes> from_hex(std::string_view text);

}  // namespace dlms
