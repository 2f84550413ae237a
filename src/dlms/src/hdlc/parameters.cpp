#include "dlms/hdlc/parameters.h"

namespace dlms::hdlc {

std::string_view to_label(ParameterError e) {
  switch (e) {
    case ParameterError::bad_header: return "bad_header";
    case ParameterError::truncated: return "truncated";
    case ParameterError::bad_value: return "bad_value";
  }
  return "unknown";
}

namespace {
void put(Bytes& out, std::uint8_t id, std::uint32_t value, std::size_t width) {
  out.push_back(id);
  out.push_back(static_cast<std::uint8_t>(width));
  for (std::size_t i = width; i-- > 0;) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}
std::size_t width_of(std::uint32_t v, ParameterWidth w) {
  if (v > 0xFFFF) return 4;
  if (w == ParameterWidth::two_bytes || v > 0xFF) return 2;
  return 1;
}
}  // namespace

Bytes encode_parameters(const LinkParameters& p, ParameterWidth width) {
  Bytes out{0x81, 0x80, 0x00};
  put(out, 0x05, p.max_info_tx, width_of(p.max_info_tx, width));
  put(out, 0x06, p.max_info_rx, width_of(p.max_info_rx, width));
  put(out, 0x07, p.window_tx, 4);
  put(out, 0x08, p.window_rx, 4);
  out[2] = static_cast<std::uint8_t>(out.size() - 3);
  return out;
}

bridge::Result<LinkParameters, ParameterError> decode_parameters(ByteSpan info) {
  LinkParameters p;
  if (info.empty()) return p;
  if (info.size() < 3 || info[0] != 0x81 || info[1] != 0x80) return bridge::fail(ParameterError::bad_header);
  const std::size_t group = info[2];
  if (3 + group > info.size()) return bridge::fail(ParameterError::truncated);
  std::size_t i = 3;
  const std::size_t end = 3 + group;
  while (i < end) {
    if (i + 2 > end) return bridge::fail(ParameterError::truncated);
    const std::uint8_t id = info[i];
    const std::size_t len = info[i + 1];
    i += 2;
    if (i + len > end) return bridge::fail(ParameterError::truncated);
    if (len == 0 || len > 4) return bridge::fail(ParameterError::bad_value);
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < len; ++k) v = (v << 8) | info[i + k];
    i += len;
    switch (id) {
      case 0x05: p.max_info_tx = v; break;
      case 0x06: p.max_info_rx = v; break;
      case 0x07: p.window_tx = v; break;
      case 0x08: p.window_rx = v; break;
      default: continue;
    }
    if (v == 0) return bridge::fail(ParameterError::bad_value);
  }
  return p;
}

LinkParameters reversed(const LinkParameters& p) {
  return LinkParameters{p.max_info_rx, p.max_info_tx, p.window_rx, p.window_tx};
}

}  // namespace dlms::hdlc
