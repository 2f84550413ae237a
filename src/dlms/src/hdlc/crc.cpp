#include "dlms/hdlc/crc.h"

#include <array>

namespace dlms::hdlc {
namespace {

constexpr std::array<std::uint16_t, 256> make_table() {
  std::array<std::uint16_t, 256> table{};
  for (unsigned i = 0; i < 256; ++i) {
    std::uint16_t crc = static_cast<std::uint16_t>(i);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1U) ? static_cast<std::uint16_t>((crc >> 1) ^ 0x8408U) : static_cast<std::uint16_t>(crc >> 1);
    }
    table[i] = crc;
  }
  return table;
}

constexpr auto kTable = make_table();

}  // namespace

std::uint16_t crc16_x25(ByteSpan data) {
  std::uint16_t crc = 0xFFFF;
  for (std::uint8_t b : data) {
    crc = static_cast<std::uint16_t>((crc >> 8) ^ kTable[(crc ^ b) & 0xFFU]);
  }
  return static_cast<std::uint16_t>(crc ^ 0xFFFF);
}

}  // namespace dlms::hdlc
