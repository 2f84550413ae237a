#pragma once
// SNRM/UA parameter negotiation block (IEC 62056-46 section 6.4.4.4.3.2, docs/protocol.md section 1.6):
//   81 80 <group length> | 05 <n> max-info-tx | 06 <n> max-info-rx | 07 <n> window-tx | 08 <n> window-rx
// Values are big-endian with 1..4 bytes. Each side states its own transmit/receive view: in a UA the
// server's "tx" is the client's receive limit. Absent parameters take the defaults (128 bytes,
// window 1). The group length is computed (the previous system hard-coded 0x12 for 20 bytes, [BUG]).
#include <cstdint>
#include <string_view>

#include "bridge/result.h"
#include "dlms/bytes.h"

namespace dlms::hdlc {

struct LinkParameters {
  std::uint32_t max_info_tx = 128;
  std::uint32_t max_info_rx = 128;
  std::uint32_t window_tx = 1;
  std::uint32_t window_rx = 1;
  friend bool operator==(const LinkParameters&, const LinkParameters&) = default;
};

// Width of the max-info values on the wire; windows are always 4 bytes (as every example shows).
enum class ParameterWidth : std::uint8_t {
  minimal,    // 1 byte when < 256 (the field meter's UA: 05 01 80)
  two_bytes,  // always 2 bytes (the PDF's SNRM/UA: 05 02 00 80)
};

enum class ParameterError : std::uint8_t {
  bad_header,  // not 81 80
  truncated,   // group or a parameter runs past the end
  bad_value,   // value length 0 or > 4, or a zero max-info/window
};
std::string_view to_label(ParameterError e);

Bytes encode_parameters(const LinkParameters& p, ParameterWidth width = ParameterWidth::two_bytes);
// Empty input (SNRM/UA without info) yields the defaults. Unknown parameter ids are skipped.
bridge::Result<LinkParameters, ParameterError> decode_parameters(ByteSpan info);

// The same parameters as seen from the other end (tx <-> rx).
LinkParameters reversed(const LinkParameters& p);

}  // namespace dlms::hdlc
