#pragma once
// HDLC control byte (IEC 62056-46 section 6.4.3, docs/protocol.md section 1.5). P/F is bit 4 (0x10).
//   I     N(R)<<5 | P<<4 | N(S)<<1          RR  N(R)<<5 | P<<4 | 0x01   RNR N(R)<<5 | P<<4 | 0x05
//   SNRM  0x83|P (0x93)   DISC 0x43|P (0x53)   UA 0x63|F (0x73)   DM 0x0F|F (0x1F)
//   FRMR  0x87|F (0x97)   UI   0x03|P (0x13)
#include <cstdint>
#include <string_view>

namespace dlms::hdlc {

enum class FrameType : std::uint8_t { i, rr, rnr, snrm, disc, ua, dm, frmr, ui, unknown };
std::string_view to_label(FrameType t);

namespace control {

inline constexpr std::uint8_t kPollFinal = 0x10;

constexpr std::uint8_t pf_bit(bool pf) { return pf ? kPollFinal : 0; }
constexpr std::uint8_t i_frame(std::uint8_t ns, std::uint8_t nr, bool pf = true) {
  return static_cast<std::uint8_t>(((nr & 7U) << 5) | pf_bit(pf) | ((ns & 7U) << 1));
}
constexpr std::uint8_t rr(std::uint8_t nr, bool pf = true) {
  return static_cast<std::uint8_t>(((nr & 7U) << 5) | pf_bit(pf) | 0x01U);
}
constexpr std::uint8_t rnr(std::uint8_t nr, bool pf = true) {
  return static_cast<std::uint8_t>(((nr & 7U) << 5) | pf_bit(pf) | 0x05U);
}
constexpr std::uint8_t snrm(bool pf = true) { return static_cast<std::uint8_t>(0x83U | pf_bit(pf)); }
constexpr std::uint8_t disc(bool pf = true) { return static_cast<std::uint8_t>(0x43U | pf_bit(pf)); }
constexpr std::uint8_t ua(bool pf = true) { return static_cast<std::uint8_t>(0x63U | pf_bit(pf)); }
constexpr std::uint8_t dm(bool pf = true) { return static_cast<std::uint8_t>(0x0FU | pf_bit(pf)); }
constexpr std::uint8_t frmr(bool pf = true) { return static_cast<std::uint8_t>(0x87U | pf_bit(pf)); }
constexpr std::uint8_t ui(bool pf = true) { return static_cast<std::uint8_t>(0x03U | pf_bit(pf)); }

constexpr bool poll_final(std::uint8_t c) { return (c & kPollFinal) != 0; }
constexpr std::uint8_t send_seq(std::uint8_t c) { return static_cast<std::uint8_t>((c >> 1) & 7U); }  // N(S)
constexpr std::uint8_t recv_seq(std::uint8_t c) { return static_cast<std::uint8_t>((c >> 5) & 7U); }  // N(R)

constexpr FrameType classify(std::uint8_t c) {
  if ((c & 0x01U) == 0) return FrameType::i;
  if ((c & 0x03U) == 0x01U) {
    switch (c & 0x0FU) {
      case 0x01: return FrameType::rr;
      case 0x05: return FrameType::rnr;
      default: return FrameType::unknown;  // REJ/SREJ are not used by 62056-46
    }
  }
  switch (c & 0xEFU) {  // U-frame: ignore P/F
    case 0x83: return FrameType::snrm;
    case 0x43: return FrameType::disc;
    case 0x63: return FrameType::ua;
    case 0x0F: return FrameType::dm;
    case 0x87: return FrameType::frmr;
    case 0x03: return FrameType::ui;
    default: return FrameType::unknown;
  }
}

}  // namespace control
}  // namespace dlms::hdlc
