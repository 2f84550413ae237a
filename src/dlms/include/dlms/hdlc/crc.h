#pragma once
// CRC-16/X-25 (IBM-SDLC) used for the HDLC HCS and FCS (IEC 62056-46, docs/protocol.md section 1.3):
// polynomial 0x1021 reflected (0x8408), init 0xFFFF, reflected in/out, final XOR 0xFFFF.
// Check value for ASCII "123456789" is 0x906E. On the wire the CRC is sent LSB first.
#include <cstdint>

#include "dlms/bytes.h"

namespace dlms::hdlc {

inline constexpr std::uint16_t kCrcCheckValue = 0x906E;

std::uint16_t crc16_x25(ByteSpan data);

}  // namespace dlms::hdlc
