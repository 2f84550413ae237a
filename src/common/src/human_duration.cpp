#include "bridge/human_duration.h"

#include <array>
#include <cstdio>

namespace bridge {
namespace {

struct Unit {
  std::int64_t ms;
  const char* name;
};
constexpr std::array<Unit, 4> kUnits{{{86'400'000, "d"}, {3'600'000, "h"}, {60'000, "min"}, {1'000, "s"}}};

}  // namespace

std::string human_duration(std::chrono::milliseconds d) {
  std::int64_t ms = d.count();
  std::string sign;
  if (ms < 0) {
    sign = "-";
    ms = -ms;
  }
  if (ms < 1'000) return sign + std::to_string(ms) + " ms";
  if (ms < 10'000) {
    // Tenths, cut (not rounded): 1999 ms is "1.9 s", 7000 ms is "7 s".
    const std::int64_t tenths = ms / 100;
    if (tenths % 10 == 0) return sign + std::to_string(tenths / 10) + " s";
    return sign + std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
  }
  for (std::size_t i = 0; i < kUnits.size(); ++i) {
    const std::int64_t n = ms / kUnits[i].ms;
    if (n == 0) continue;
    std::string out = sign + std::to_string(n) + " " + kUnits[i].name;
    if (n < 10 && i + 1 < kUnits.size()) {
      const std::int64_t rest = (ms % kUnits[i].ms) / kUnits[i + 1].ms;
      if (rest > 0) out += " " + std::to_string(rest) + " " + kUnits[i + 1].name;
    }
    return out;
  }
  return sign + "0 s";  // unreachable: ms >= 10'000 always has a unit
}

std::string human_age(std::int64_t ts_ms, std::int64_t now_ms) {
  if (ts_ms <= 0) return "never";
  const std::int64_t age = now_ms - ts_ms;
  if (age < 1'000) return "just now";
  return human_duration(std::chrono::milliseconds(age)) + " ago";
}

}  // namespace bridge
