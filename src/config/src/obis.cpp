// OBIS text forms accepted by the config: "A-B:C.D.E", "A-B:C.D.E*F", "A-B:C.D.E.F" and the
// dotted "A.B.C.D.E.F" (the old dashboard default "1.0.32.7.0.255"). Each group is 0..255.
#include "bridge/config/obis.h"

#include <string>

namespace bridge::config {
namespace {

std::string bad(std::string_view text, std::string_view why) {
  return "bad OBIS code \"" + std::string(text) + "\" (" + std::string(why) + "; expected A-B:C.D.E[*F])";
}

}  // namespace

std::string ObisCode::to_string() const {
  std::string out = std::to_string(bytes[0]) + "-" + std::to_string(bytes[1]) + ":" + std::to_string(bytes[2]) + "." +
                    std::to_string(bytes[3]) + "." + std::to_string(bytes[4]);
  if (bytes[5] != 255) out += "*" + std::to_string(bytes[5]);
  return out;
}

Result<ObisCode, std::string> parse_obis(std::string_view text) {
  // Expected separators between the six groups, per form; the last group is optional in the
  // A-B:C.D.E form.
  const bool named = text.find(':') != std::string_view::npos || text.find('-') != std::string_view::npos;
  ObisCode code;
  code.bytes[5] = 255;
  std::size_t pos = 0;
  int group = 0;
  while (true) {
    if (pos >= text.size() || text[pos] < '0' || text[pos] > '9') {
      return fail(bad(text, "group " + std::to_string(group + 1) + " is not a number"));
    }
    unsigned value = 0;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      value = value * 10 + static_cast<unsigned>(text[pos] - '0');
      if (value > 255 || ++digits > 3) return fail(bad(text, "value out of range 0..255"));
      ++pos;
    }
    code.bytes[static_cast<std::size_t>(group)] = static_cast<std::uint8_t>(value);
    ++group;
    if (pos == text.size()) break;
    if (group == 6) return fail(bad(text, "trailing characters"));
    const char sep = text[pos];
    char expected = '.';
    if (named) {
      if (group == 1) {
        expected = '-';
      } else if (group == 2) {
        expected = ':';
      } else if (group == 5) {
        expected = (sep == '.') ? '.' : '*';
      }
    }
    if (sep != expected) return fail(bad(text, std::string("unexpected '") + sep + "'"));
    ++pos;
  }
  const int minimum = named ? 5 : 6;
  if (group < minimum) return fail(bad(text, "too few groups"));
  return code;
}

}  // namespace bridge::config
