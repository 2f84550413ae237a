#pragma once
// Minimal BER TLV reading/writing for the ACSE APDUs (AARQ/AARE/RLRQ/RLRE). Private header.
#include <array>
#include <cstdint>
#include <vector>

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

// The outer TLV of an ACSE APDU: tag `expected`, spanning the whole APDU; returns its value.
inline bridge::Result<ByteSpan, ApduError> read_apdu(ByteSpan apdu, std::uint8_t expected) {
  if (apdu.empty()) return bridge::fail(ApduError::truncated);
  if (apdu[0] != expected) return bridge::fail(ApduError::unexpected_tag);
  std::size_t off = 0;
  auto t = read(apdu, off);
  if (!t) return bridge::fail(t.error());
  if (off != apdu.size()) return bridge::fail(ApduError::trailing_bytes);
  return t->value;
}

// The fields of an ACSE APDU body (AARQ, AARE, RLRQ, RLRE). Each appears at most once: a
// repeated one (two user-information elements, a plain and a ciphered initiate, found by
// fuzz_aare) would leave the decoded APDU saying two things, which no real peer says.
inline bridge::Result<std::vector<Tlv>, ApduError> unique_fields(ByteSpan body) {
  std::vector<Tlv> fields;
  std::array<bool, 256> seen{};
  std::size_t off = 0;
  while (off < body.size()) {
    auto t = read(body, off);
    if (!t) return bridge::fail(t.error());
    if (seen[t->tag]) return bridge::fail(ApduError::unexpected_tag);
    seen[t->tag] = true;
    fields.push_back(*t);
  }
  return fields;
}

// The value of a user-information field (BE): 04 <len> <xDLMS APDU>, returns the non-empty APDU.
inline bridge::Result<ByteSpan, ApduError> read_user_information(ByteSpan value) {
  std::size_t off = 0;
  auto inner = read(value, off);
  if (!inner) return bridge::fail(inner.error());
  if (inner->tag != 0x04) return bridge::fail(ApduError::unexpected_tag);
  if (inner->value.empty()) return bridge::fail(ApduError::truncated);
  return inner->value;
}

// BE <L> 04 <L> <xDLMS APDU>.
inline void put_user_information(Bytes& body, ByteSpan xdlms) {
  Bytes user;
  put(user, 0x04, xdlms);
  put(body, 0xBE, user);
}

}  // namespace dlms::cosem::ber
