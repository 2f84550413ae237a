#pragma once
// One HDLC frame, format type A (IEC 62056-46 section 6.4, docs/protocol.md section 1.2):
//   7E | A<S><len:11> (2) | destination (1,2,4) | source (1,2,4) | control | [HCS(2) | info] | FCS(2) | 7E
// The length counts every byte between the flags. HCS (CRC over format..control) is present only
// when there is an information field; FCS covers format..info. CRCs are LSB first. No byte
// stuffing: frames are delimited by the length field (the previous system scanned for 7E, [BUG]).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bridge/result.h"
#include "dlms/bytes.h"
#include "dlms/hdlc/address.h"
#include "dlms/hdlc/control.h"

namespace dlms::hdlc {

inline constexpr std::uint8_t kFlag = 0x7E;
inline constexpr std::size_t kMaxFrameLength = 0x7FF;                 // 11-bit length field
inline constexpr std::size_t kMaxEncodedFrame = kMaxFrameLength + 2;  // plus both flags
// Bytes of a frame without info: format(2) + addresses(1..4 each) + control + FCS(2).
inline constexpr std::size_t kMinFrameLength = 2 + 1 + 1 + 1 + 2;

struct Frame {
  Address destination;
  Address source;
  std::uint8_t control = 0;
  bool segmented = false;  // format S bit: more segments of this information field follow
  Bytes info;              // information field (for I-frames: LLC + APDU, or one segment of it)

  FrameType type() const { return control::classify(control); }
  friend bool operator==(const Frame&, const Frame&) = default;
};

enum class EncodeError : std::uint8_t {
  missing_address,  // destination or source empty
  too_long,         // the frame would exceed the 11-bit length
};
std::string_view to_label(EncodeError e);

// Largest information field that fits one frame with these address sizes.
std::size_t max_info_length(std::size_t destination_size, std::size_t source_size);

bridge::Result<Bytes, EncodeError> encode(const Frame& frame);
// Appends the encoded frame to `out` (no allocation when `out` has capacity).
bridge::Result<std::size_t, EncodeError> encode_into(const Frame& frame, Bytes& out);

}  // namespace dlms::hdlc
