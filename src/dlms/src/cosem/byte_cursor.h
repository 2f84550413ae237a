// A bounds-checked walk over an APDU for the xDLMS decoders (GET, InitiateRequest/Response).
// has(n) is asked before every read: the readers themselves do not check, so each decoder states
// how many bytes it needs and which error a short input gives. The optional_* readers are the
// A-XDR OPTIONAL/DEFAULT fields: one presence byte (0 = absent), then the value.
#pragma once

#include <cstdint>
#include <optional>

#include "bridge/result.h"
#include "dlms/cosem/apdu.h"

namespace dlms::cosem {

class ByteCursor {
 public:
  explicit ByteCursor(ByteSpan in) : in_(in) {}
  bool has(std::size_t n) const { return in_.size() - pos_ >= n; }
  bool done() const { return pos_ == in_.size(); }
  std::size_t remaining() const { return in_.size() - pos_; }
  std::uint8_t u8() { return in_[pos_++]; }
  std::uint16_t u16() {
    const auto v = static_cast<std::uint16_t>((in_[pos_] << 8) | in_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | in_[pos_++];
    return v;
  }
  Bytes bytes(std::size_t n) {
    Bytes out(in_.begin() + static_cast<std::ptrdiff_t>(pos_), in_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return out;
  }
  ByteSpan in() const { return in_; }
  std::size_t& pos() { return pos_; }

  // OPTIONAL/DEFAULT byte: nullopt when absent.
  bridge::Result<std::optional<std::uint8_t>, ApduError> optional_u8() {
    if (!has(1)) return bridge::fail(ApduError::truncated);
    if (u8() == 0) return std::optional<std::uint8_t>{};
    if (!has(1)) return bridge::fail(ApduError::truncated);
    return std::optional<std::uint8_t>{u8()};
  }
  // OPTIONAL octet-string with a one-byte length: nullopt when absent.
  bridge::Result<std::optional<Bytes>, ApduError> optional_octets() {
    if (!has(1)) return bridge::fail(ApduError::truncated);
    if (u8() == 0) return std::optional<Bytes>{};
    if (!has(1)) return bridge::fail(ApduError::truncated);
    const std::size_t len = u8();
    if (!has(len)) return bridge::fail(ApduError::truncated);
    return std::optional<Bytes>{bytes(len)};
  }

 private:
  ByteSpan in_;
  std::size_t pos_ = 0;
};

}  // namespace dlms::cosem
