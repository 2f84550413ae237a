// Duration strings: "<number><unit>" groups, largest unit first, units ms|s|m|h|d.
#include "bridge/config/duration.h"

#include <array>
#include <cstdint>
#include <limits>

namespace bridge::config {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t ms;
};
// Ordered largest first; "ms" before "m" matters only for matching, handled below.
constexpr std::array<Unit, 5> kUnits{{{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};
// Ten years: far beyond any sensible knob, far below int64 overflow.
constexpr std::int64_t kMaxMs = 10LL * 365 * 86'400'000;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string quoted(std::string_view t) {
  return "\"" + std::string(t) + "\"";
}

}  // namespace

Result<Duration, std::string> parse_duration(std::string_view text) {
  if (text.empty()) return fail(std::string("empty duration (expected e.g. \"7s\", \"300ms\", \"5m\")"));
  if (text == "0") return Duration{0};
  if (text.front() == '-') return fail("negative duration " + quoted(text));
  std::int64_t total = 0;
  std::size_t pos = 0;
  int last_unit = -1;  // index into kUnits; each group must use a smaller unit than the previous
  while (pos < text.size()) {
    std::int64_t whole = 0;
    std::int64_t frac = 0;
    std::int64_t frac_scale = 1;
    std::size_t digits = 0;
    while (pos < text.size() && is_digit(text[pos])) {
      if (whole > kMaxMs) return fail("duration too large " + quoted(text));
      whole = whole * 10 + (text[pos] - '0');
      ++pos;
      ++digits;
    }
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      std::size_t frac_digits = 0;
      while (pos < text.size() && is_digit(text[pos])) {
        if (frac_scale < 1'000'000'000) {  // more digits than this cannot matter at 1 ms
          frac = frac * 10 + (text[pos] - '0');
          frac_scale *= 10;
        } else if (text[pos] != '0') {
          return fail("duration " + quoted(text) + " is finer than 1ms");
        }
        ++pos;
        ++frac_digits;
      }
      if (frac_digits == 0) return fail("bad duration " + quoted(text) + " (digit expected after '.')");
      digits += frac_digits;
    }
    if (digits == 0) {
      return fail("bad duration " + quoted(text) + " (expected a number followed by ms, s, m, h or d)");
    }
    std::size_t unit_len = 0;
    while (pos + unit_len < text.size() && !is_digit(text[pos + unit_len]) && text[pos + unit_len] != '.') ++unit_len;
    const std::string_view unit = text.substr(pos, unit_len);
    if (unit.empty()) return fail("missing unit in duration " + quoted(text) + " (use ms, s, m, h or d)");
    int index = -1;
    for (int i = 0; i < static_cast<int>(kUnits.size()); ++i) {
      if (kUnits[static_cast<std::size_t>(i)].name == unit) index = i;
    }
    if (index < 0) {
      return fail("unknown unit \"" + std::string(unit) + "\" in duration " + quoted(text) + " (use ms, s, m, h or d)");
    }
    if (index <= last_unit) return fail("bad duration " + quoted(text) + " (units must go from largest to smallest)");
    last_unit = index;
    pos += unit_len;
    const std::int64_t unit_ms = kUnits[static_cast<std::size_t>(index)].ms;
    if (whole > kMaxMs / unit_ms) return fail("duration too large " + quoted(text));
    const std::int64_t frac_ms_num = frac * unit_ms;
    if (frac_ms_num % frac_scale != 0) return fail("duration " + quoted(text) + " is finer than 1ms");
    total += whole * unit_ms + frac_ms_num / frac_scale;
    if (total > kMaxMs) return fail("duration too large " + quoted(text));
  }
  return Duration{total};
}

std::string format_duration(Duration d) {
  std::int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  for (const auto& unit : kUnits) {
    const std::int64_t n = ms / unit.ms;
    if (n > 0) {
      out += std::to_string(n);
      out += unit.name;
      ms -= n * unit.ms;
    }
  }
  return out;
}

}  // namespace bridge::config
