#include "dlms/cosem/obis.h"

namespace dlms::cosem {

std::string_view to_label(ObisError e) {
  switch (e) {
    case ObisError::syntax: return "syntax";
    case ObisError::out_of_range: return "out_of_range";
    case ObisError::wrong_size: return "wrong_size";
  }
  return "unknown";
}

bridge::Result<Obis, ObisError> parse_obis(std::string_view text) {
  // Tokenise into numbers and separators, then match one of the accepted shapes.
  std::array<unsigned, 6> groups{};
  std::string separators;
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') return bridge::fail(ObisError::syntax);
    unsigned value = 0;
    std::size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
      if (++digits > 3) return bridge::fail(ObisError::out_of_range);
      ++i;
    }
    if (value > 255) return bridge::fail(ObisError::out_of_range);
    if (count == 6) return bridge::fail(ObisError::syntax);
    groups[count++] = value;
    if (i < text.size()) {
      const char sep = text[i];
      if (sep != '-' && sep != ':' && sep != '.' && sep != '*') return bridge::fail(ObisError::syntax);
      separators.push_back(sep);
      ++i;
      if (i == text.size()) return bridge::fail(ObisError::syntax);
    }
  }
  if (separators == "-:..") {
    groups[5] = 255;
  } else if (separators != "-:..*" && separators != "-:..." && separators != ".....") {
    return bridge::fail(ObisError::syntax);
  }
  Obis o;
  for (std::size_t k = 0; k < 6; ++k) o.bytes[k] = static_cast<std::uint8_t>(groups[k]);
  return o;
}

bridge::Result<Obis, ObisError> obis_from_bytes(ByteSpan six) {
  if (six.size() != 6) return bridge::fail(ObisError::wrong_size);
  Obis o;
  for (std::size_t k = 0; k < 6; ++k) o.bytes[k] = six[k];
  return o;
}

std::string to_string(const Obis& o) {
  const auto& b = o.bytes;
  std::string s = std::to_string(b[0]) + "-" + std::to_string(b[1]) + ":" + std::to_string(b[2]) + "." +
                  std::to_string(b[3]) + "." + std::to_string(b[4]);
  if (b[5] != 255) s += "*" + std::to_string(b[5]);
  return s;
}

std::string to_dotted(const Obis& o) {
  std::string s;
  for (std::size_t k = 0; k < 6; ++k) {
    if (k) s.push_back('.');
    s += std::to_string(o.bytes[k]);
  }
  return s;
}

}  // namespace dlms::cosem
