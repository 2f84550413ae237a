#pragma once
// Minimal BER TLV reading/writing for the ACSE APDUs (AARQ/AARE/RLRQ/RLRE). Private header.
#include <cstdint>

#include "bridge/result.h"
#include "dlms/bytes.h"
#include "dlms/cosem/apdu.h"

namespace dlms::cosem::ber {

struct Tlv {
  std::uint8_t tag = 0;
  ByteSpan value;
};

// Reads one TLV at `offset` (single-byte tags; lengths short form or 0x81/0x82).
inline bridge::Result<Tlv, ApduError> read(ByteSpan in, std::size_t& offset) {
  if (offset + 2 > in.size()) return bridge::fail(ApduError::truncated);
  Tlv t;
  t.tag = in[offset];
  std::size_t len = in[offset + 1];
  std::size_t pos = offset + 2;
  if (len & 0x80U) {
    const std::size_t n = len & 0x7FU;
    if (n == 0 || n > 2) return bridge::fail(ApduError::bad_length);
    if (pos + n > in.size()) return bridge::fail(ApduError::truncated);
    len = 0;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | in[pos + i];
    pos += n;
  }
  if (len > in.size() - pos) return bridge::fail(ApduError::bad_length);
  t.value = in.subspan(pos, len);
  offset = pos + len;
  return t;
}

inline void put_length(Bytes& out, std::size_t len) {
  if (len < 0x80) {
    out.push_back(static_cast<std::uint8_t>(len));
  } else if (len <= 0xFF) {
    out.push_back(0x81);
    out.push_back(static_cast<std::uint8_t>(len));
  } else {
    out.push_back(0x82);
    out.push_back(static_cast<std::uint8_t>(len >> 8));
    out.push_back(static_cast<std::uint8_t>(len & 0xFF));
  }
}

inline void put(Bytes& out, std::uint8_t tag, ByteSpan value) {
  out.push_back(tag);
  put_length(out, value.size());
  out.insert(out.end(), value.begin(), value.end());
}

}  // namespace dlms::cosem::ber
