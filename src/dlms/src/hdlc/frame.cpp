#include "dlms/hdlc/frame.h"

#include "dlms/hdlc/crc.h"

namespace dlms::hdlc {

std::string_view to_label(FrameType t) {
  switch (t) {
    case FrameType::i: return "I";
    case FrameType::rr: return "RR";
    case FrameType::rnr: return "RNR";
    case FrameType::snrm: return "SNRM";
    case FrameType::disc: return "DISC";
    case FrameType::ua: return "UA";
    case FrameType::dm: return "DM";
    case FrameType::frmr: return "FRMR";
    case FrameType::ui: return "UI";
    case FrameType::unknown: return "unknown";
  }
  return "unknown";
}

std::string_view to_label(EncodeError e) {
  switch (e) {
    case EncodeError::missing_address: return "missing_address";
    case EncodeError::too_long: return "too_long";
  }
  return "unknown";
}

std::size_t max_info_length(std::size_t destination_size, std::size_t source_size) {
  return kMaxFrameLength - (2 + destination_size + source_size + 1 + 2 + 2);
}

bridge::Result<std::size_t, EncodeError> encode_into(const Frame& frame, Bytes& out) {
  if (frame.destination.empty() || frame.source.empty()) return bridge::fail(EncodeError::missing_address);
  const std::size_t header = 2 + frame.destination.size() + frame.source.size() + 1;
  const std::size_t length = header + (frame.info.empty() ? 0 : 2 + frame.info.size()) + 2;
  if (length > kMaxFrameLength) return bridge::fail(EncodeError::too_long);

  const std::size_t start = out.size();
  out.reserve(start + length + 2);
  out.push_back(kFlag);
  out.push_back(static_cast<std::uint8_t>(0xA0U | (frame.segmented ? 0x08U : 0U) | ((length >> 8) & 0x07U)));
  out.push_back(static_cast<std::uint8_t>(length & 0xFFU));
  out.insert(out.end(), frame.destination.bytes().begin(), frame.destination.bytes().end());
  out.insert(out.end(), frame.source.bytes().begin(), frame.source.bytes().end());
  out.push_back(frame.control);
  auto append_crc = [&out, start]() {
    const std::uint16_t crc = crc16_x25(ByteSpan(out.data() + start + 1, out.size() - start - 1));
    out.push_back(static_cast<std::uint8_t>(crc & 0xFFU));
    out.push_back(static_cast<std::uint8_t>(crc >> 8));
  };
  if (!frame.info.empty()) {
    append_crc();  // HCS
    out.insert(out.end(), frame.info.begin(), frame.info.end());
  }
  append_crc();  // FCS
  out.push_back(kFlag);
  return out.size() - start;
}

bridge::Result<Bytes, EncodeError> encode(const Frame& frame) {
  Bytes out;
  auto r = encode_into(frame, out);
  if (!r) return bridge::fail(r.error());
  return out;
}

}  // namespace dlms::hdlc
