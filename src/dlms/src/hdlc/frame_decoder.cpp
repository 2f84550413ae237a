#include "dlms/hdlc/frame_decoder.h"

#include <algorithm>

#include "dlms/hdlc/crc.h"

namespace dlms::hdlc {

using dlms::LinkError;

void FrameDecoder::feed(ByteSpan bytes) {
  if (pos_ > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

void FrameDecoder::reset() {
  buffer_.clear();
  pos_ = 0;
}

FrameError FrameDecoder::fail(LinkError kind, std::size_t skip, std::size_t examined) {
  FrameError e;
  e.kind = kind;
  e.skipped_bytes = skip;
  const std::size_t n = std::min({examined, buffer_.size() - pos_, kMaxEncodedFrame});
  e.raw.assign(buffer_.begin() + static_cast<std::ptrdiff_t>(pos_),
               buffer_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
  pos_ += skip;
  return e;
}

DecodeResult FrameDecoder::next() {
  // 1. Hunt for "7E A?".
  while (pos_ < buffer_.size()) {
    if (buffer_[pos_] != kFlag) {
      ++garbage_;
      ++pos_;
      continue;
    }
    if (pos_ + 1 >= buffer_.size()) return NeedData{};
    if ((buffer_[pos_ + 1] & 0xF0U) == 0xA0U) break;
    ++pos_;  // doubled flag or a stray 7E
  }
  if (pos_ >= buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
    return NeedData{};
  }

  // 2. Candidate frame at pos_.
  const std::uint8_t* p = buffer_.data() + pos_;
  const std::size_t avail = buffer_.size() - pos_;
  if (avail < 3) return NeedData{};
  const std::size_t length = (static_cast<std::size_t>(p[1] & 0x07U) << 8) | p[2];
  if (length < kMinFrameLength) return fail(LinkError::length, 1, 3);

  // Addresses: each ends at the byte with bit 0 set; only 1, 2 or 4 bytes are legal.
  std::size_t offset = 3;
  Address addresses[2];
  for (auto& address : addresses) {
    const std::size_t have = avail - offset;
    auto field = read_address_field(ByteSpan(p + offset, std::min<std::size_t>(have, 4)));
    if (!field) {
      if (field.error() == AddressError::unterminated && have < 4) return NeedData{};
      return fail(LinkError::format, 1, offset + std::min<std::size_t>(have, 4));
    }
    address = *field;
    offset += address.size();
  }
  const std::size_t header = offset;  // format..control (the flag is index 0, control index offset)
  if (header + 2 > length) return fail(LinkError::length, 1, std::min(avail, offset));
  if (avail < offset + 1) return NeedData{};
  const std::uint8_t control_byte = p[offset];
  const bool has_info = length > header + 2;
  if (has_info) {
    // HCS(2) + at least one info byte + FCS(2).
    if (length < header + 2 + 1 + 2) return fail(LinkError::length, 1, offset + 1);
    if (avail < 1 + header + 2) return NeedData{};
    const std::uint16_t hcs = crc16_x25(ByteSpan(p + 1, header));
    const std::uint16_t got = static_cast<std::uint16_t>(p[1 + header] | (p[2 + header] << 8));
    if (hcs != got) return fail(LinkError::hcs, 1, 1 + header + 2);
  }
  const std::size_t total = length + 2;
  if (avail < total) return NeedData{};
  if (p[length + 1] != kFlag) return fail(LinkError::format, 1, total);
  const std::uint16_t fcs = crc16_x25(ByteSpan(p + 1, length - 2));
  const std::uint16_t got = static_cast<std::uint16_t>(p[length - 1] | (p[length] << 8));
  if (fcs != got) return fail(LinkError::fcs, has_info ? length + 1 : 1, total);

  if ((filter_.destination && !(*filter_.destination == addresses[0])) ||
      (filter_.source && !(*filter_.source == addresses[1]))) {
    return fail(LinkError::address, length + 1, total);
  }

  Frame frame;
  frame.destination = addresses[0];
  frame.source = addresses[1];
  frame.control = control_byte;
  frame.segmented = (p[1] & 0x08U) != 0;
  if (has_info) frame.info.assign(p + 1 + header + 2, p + length - 1);
  pos_ += length + 1;  // keep the closing flag: it may open the next frame
  return frame;
}

bridge::Result<Frame, FrameError> decode_frame(ByteSpan bytes) {
  FrameDecoder decoder;
  decoder.feed(bytes);
  auto r = decoder.next();
  if (auto* e = std::get_if<FrameError>(&r)) return bridge::fail(std::move(*e));
  if (std::holds_alternative<NeedData>(r)) {
    return bridge::fail(FrameError{LinkError::length, 0, Bytes(bytes.begin(), bytes.end())});
  }
  const bool exact = bytes.size() >= 3 && bytes.front() == kFlag &&
                     ((static_cast<std::size_t>(bytes[1] & 0x07U) << 8) | bytes[2]) + 2 == bytes.size();
  if (!exact) {
    return bridge::fail(FrameError{LinkError::length, 0, Bytes(bytes.begin(), bytes.end())});
  }
  return std::get<Frame>(std::move(r));
}

}  // namespace dlms::hdlc
