#include "dlms/wrapper.h"

#include <algorithm>

namespace dlms::wrapper {

using dlms::LinkError;

namespace {
void put16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xFF));
}
std::uint16_t get16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
}  // namespace

bridge::Result<Bytes, EncodeError> encode(const Message& message) {
  if (message.apdu.size() > 0xFFFF) return bridge::fail(EncodeError::too_long);
  Bytes out;
  out.reserve(kHeaderSize + message.apdu.size());
  put16(out, kVersion);
  put16(out, message.source);
  put16(out, message.destination);
  put16(out, static_cast<std::uint16_t>(message.apdu.size()));
  out.insert(out.end(), message.apdu.begin(), message.apdu.end());
  return out;
}

void WrapperDecoder::feed(ByteSpan bytes) {
  if (pos_ > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

WrapperError WrapperDecoder::fail(LinkError kind, std::size_t skip) {
  WrapperError e;
  e.kind = kind;
  e.skipped_bytes = skip;
  const std::size_t n = std::min(kHeaderSize, buffer_.size() - pos_);
  e.raw.assign(buffer_.begin() + static_cast<std::ptrdiff_t>(pos_),
               buffer_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
  pos_ += skip;
  return e;
}

DecodeResult WrapperDecoder::next() {
  const std::size_t avail = buffer_.size() - pos_;
  if (avail < 2) return NeedData{};
  const std::uint8_t* p = buffer_.data() + pos_;
  if (get16(p) != kVersion) return fail(LinkError::format, 1);
  if (avail < kHeaderSize) return NeedData{};
  const std::uint16_t source = get16(p + 2);
  const std::uint16_t destination = get16(p + 4);
  const std::size_t length = get16(p + 6);
  if (length > max_apdu_) return fail(LinkError::length, 1);
  if ((filter_.source && *filter_.source != source) || (filter_.destination && *filter_.destination != destination)) {
    if (avail < kHeaderSize + length) return NeedData{};
    return fail(LinkError::address, kHeaderSize + length);
  }
  if (avail < kHeaderSize + length) return NeedData{};
  Message m;
  m.source = source;
  m.destination = destination;
  m.apdu.assign(p + kHeaderSize, p + kHeaderSize + length);
  pos_ += kHeaderSize + length;
  if (pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  }
  return m;
}

}  // namespace dlms::wrapper
