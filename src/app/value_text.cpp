#include "value_text.h"

#include <algorithm>
#include <cstdio>
#include <type_traits>
#include <variant>

#include "dlms/bytes.h"
#include "dlms/cosem/date_time.h"

namespace bridge::app {
namespace {

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

std::string date_text(const dlms::cosem::Date& d) {
  auto field = [](int v, int unset, int width) {
    if (v == unset) return std::string(static_cast<std::size_t>(width), '*');
    char buf[8];
    std::snprintf(buf, sizeof buf, "%0*d", width, v);
    return std::string(buf);
  };
  return field(d.year, 0xFFFF, 4) + "-" + field(d.month, 0xFF, 2) + "-" + field(d.day, 0xFF, 2);
}

std::string time_text(const dlms::cosem::Time& t) {
  auto field = [](int v) { return v == 0xFF ? std::string("**") : two(v); };
  return field(t.hour) + ":" + field(t.minute) + ":" + field(t.second);
}

}  // namespace

// Decimal text with exactly as many decimals as the scaler implies: 13519, -2 -> "135.19".
std::string format_scaled(const transport::RegisterRead& r) {
  char buf[64];
  if (!dlms::cosem::to_integer(r.data)) {  // float data: no scaler arithmetic to mirror
    std::snprintf(buf, sizeof buf, "%g", r.value);
    return buf;
  }
  const int decimals = r.scaler < 0 ? -r.scaler : 0;
  std::snprintf(buf, sizeof buf, "%.*f", decimals, r.value);
  return buf;
}

// Display text of a non-register value: strings quoted, octet-strings as text when printable
// (serial numbers) else hex, date-times ISO-like, structures and arrays bracketed.
std::string value_text(const dlms::cosem::Value& value) {
  namespace cosem = dlms::cosem;
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, cosem::Null>) {
          return "null";
        } else if constexpr (std::is_same_v<T, cosem::Array> || std::is_same_v<T, cosem::Structure>) {
          std::string out = std::is_same_v<T, cosem::Array> ? "[" : "{";
          for (std::size_t i = 0; i < v.items.size(); ++i) out += (i ? ", " : "") + value_text(v.items[i]);
          return out + (std::is_same_v<T, cosem::Array> ? "]" : "}");
        } else if constexpr (std::is_same_v<T, cosem::CompactArray>) {
          std::string out = "[";
          for (std::size_t i = 0; i < v.items.size(); ++i) out += (i ? ", " : "") + value_text(v.items[i]);
          return out + "]";
        } else if constexpr (std::is_same_v<T, cosem::OctetString>) {
          if (v.bytes.size() == 12) {
            if (auto dt = cosem::decode_date_time(v.bytes)) return cosem::to_iso8601(*dt);
          }
          const bool printable = !v.bytes.empty() && std::all_of(v.bytes.begin(), v.bytes.end(),
                                                                 [](std::uint8_t c) { return c >= 0x20 && c < 0x7F; });
          if (printable) return "\"" + std::string(v.bytes.begin(), v.bytes.end()) + "\"";
          return "0x" + dlms::to_hex(v.bytes);
        } else if constexpr (std::is_same_v<T, cosem::VisibleString> || std::is_same_v<T, cosem::Utf8String>) {
          return "\"" + v.text + "\"";
        } else if constexpr (std::is_same_v<T, cosem::BitString>) {
          std::string out;
          for (std::size_t i = 0; i < v.bit_count; ++i) out += ((v.bytes[i / 8] >> (7 - i % 8)) & 1) ? '1' : '0';
          return "b" + out;
        } else if constexpr (std::is_same_v<T, cosem::DateTime>) {
          return cosem::to_iso8601(v);
        } else if constexpr (std::is_same_v<T, cosem::Date>) {
          return date_text(v);
        } else if constexpr (std::is_same_v<T, cosem::Time>) {
          return time_text(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, cosem::Enum> || std::is_same_v<T, cosem::Bcd>) {
          return std::to_string(v.value);
        } else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
          return buf;
        } else {
          return std::to_string(v);  // integers
        }
      },
      value.v);
}

std::string describe_value(const transport::RegisterRead& r) {
  if (r.numeric) return format_scaled(r);
  return value_text(r.data);
}

}  // namespace bridge::app
