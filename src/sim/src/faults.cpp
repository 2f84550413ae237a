#include "sim/faults.h"

#include <charconv>
#include <cmath>

namespace sim {
namespace {

using bridge::fail;
using Outcome = bridge::Result<void, std::string>;

Outcome want_bool(std::string_view key, const FaultValue& v, bool& out) {
  if (v.type != FaultValue::Type::boolean) return fail(std::string(key) + ": expected true or false");
  out = v.boolean;
  return {};
}

Outcome want_count(std::string_view key, const FaultValue& v, std::int64_t max, std::int64_t& out) {
  if (v.type != FaultValue::Type::integer) return fail(std::string(key) + ": expected a non-negative integer");
  if (v.integer < 0 || v.integer > max) {
    return fail(std::string(key) + ": " + std::to_string(v.integer) + " is outside 0.." + std::to_string(max));
  }
  out = v.integer;
  return {};
}

Outcome want_probability(std::string_view key, const FaultValue& v, double& out) {
  if (v.type != FaultValue::Type::integer && v.type != FaultValue::Type::number) {
    return fail(std::string(key) + ": expected a probability between 0 and 1");
  }
  if (!std::isfinite(v.number) || v.number < 0 || v.number > 1) {
    return fail(std::string(key) + ": " + std::to_string(v.number) + " is not a probability between 0 and 1");
  }
  out = v.number;
  return {};
}

Outcome want_number(std::string_view key, const FaultValue& v, double limit, double& out) {
  if (v.type != FaultValue::Type::integer && v.type != FaultValue::Type::number) {
    return fail(std::string(key) + ": expected a number");
  }
  if (!std::isfinite(v.number) || v.number < -limit || v.number > limit) {
    return fail(std::string(key) + ": " + std::to_string(v.number) + " is outside +-" + std::to_string(limit));
  }
  out = v.number;
  return {};
}

}  // namespace

bool FaultSettings::any() const {
  return !(*this == FaultSettings{});
}

const std::array<std::string_view, 18>& fault_keys() {
  static constexpr std::array<std::string_view, 18> kKeys = {"refuse",
                                                             "close_on_accept",
                                                             "silent",
                                                             "delay_ms",
                                                             "delay_jitter_ms",
                                                             "drop_mid_frame",
                                                             "corrupt_hcs",
                                                             "corrupt_fcs",
                                                             "garbage",
                                                             "garbage_bytes",
                                                             "value_7e",
                                                             "split_writes",
                                                             "reject_association",
                                                             "silent_after",
                                                             "disconnect",
                                                             "clock_offset_s",
                                                             "clock_drift_ppm",
                                                             "clock_trailing_bytes"};
  return kKeys;
}

bridge::Result<void, std::string> apply_fault(FaultSettings& s, std::string_view key, const FaultValue& v) {
  constexpr std::int64_t kMaxDelayMs = 3'600'000;
  constexpr std::int64_t kMaxGarbage = 1024;
  constexpr std::int64_t kMaxRequests = 1'000'000'000;
  std::int64_t n = 0;
  if (key == "refuse") return want_bool(key, v, s.refuse);
  if (key == "close_on_accept") return want_bool(key, v, s.close_on_accept);
  if (key == "silent") return want_bool(key, v, s.silent);
  if (key == "value_7e") return want_bool(key, v, s.value_7e);
  if (key == "split_writes") return want_bool(key, v, s.split_writes);
  if (key == "drop_mid_frame") return want_probability(key, v, s.drop_mid_frame);
  if (key == "corrupt_hcs") return want_probability(key, v, s.corrupt_hcs);
  if (key == "corrupt_fcs") return want_probability(key, v, s.corrupt_fcs);
  if (key == "garbage") return want_probability(key, v, s.garbage);
  if (key == "disconnect") return want_probability(key, v, s.disconnect);
  if (key == "clock_offset_s") return want_number(key, v, 315'576'000.0, s.clock_offset_s);  // 10 years
  if (key == "clock_drift_ppm") return want_number(key, v, 1e6, s.clock_drift_ppm);
  if (key == "clock_trailing_bytes") {
    auto r = want_count(key, v, 64, n);
    if (r) s.clock_trailing_bytes = static_cast<int>(n);
    return r;
  }
  if (key == "delay_ms") {
    auto r = want_count(key, v, kMaxDelayMs, n);
    if (r) s.delay = std::chrono::milliseconds(n);
    return r;
  }
  if (key == "delay_jitter_ms") {
    auto r = want_count(key, v, kMaxDelayMs, n);
    if (r) s.delay_jitter = std::chrono::milliseconds(n);
    return r;
  }
  if (key == "garbage_bytes") {
    auto r = want_count(key, v, kMaxGarbage, n);
    if (r && n == 0) return fail(std::string("garbage_bytes: must be at least 1"));
    if (r) s.garbage_bytes = static_cast<int>(n);
    return r;
  }
  if (key == "silent_after") {
    auto r = want_count(key, v, kMaxRequests, n);
    if (r) s.silent_after = static_cast<int>(n);
    return r;
  }
  if (key == "reject_association") {
    if (v.type != FaultValue::Type::text)
      return fail(std::string("reject_association: expected \"none\", \"auth\" or \"busy\""));
    for (auto mode : {RejectMode::none, RejectMode::auth, RejectMode::busy}) {
      if (v.text == to_label(mode)) {
        s.reject_association = mode;
        return {};
      }
    }
    return fail("reject_association: \"" + v.text + "\" is not one of none, auth, busy");
  }
  return fail("unknown fault key \"" + std::string(key) + "\"");
}

bridge::Result<void, std::string> apply_fault_text(FaultSettings& s, std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return fail("fault \"" + std::string(text) + "\": expected KEY=VALUE");
  }
  auto key = text.substr(0, eq);
  auto raw = text.substr(eq + 1);
  FaultValue value;
  if (raw == "true" || raw == "false") {
    value = FaultValue::of(raw == "true");
  } else {
    std::int64_t i = 0;
    auto [ip, iec] = std::from_chars(raw.data(), raw.data() + raw.size(), i);
    if (iec == std::errc() && ip == raw.data() + raw.size() && !raw.empty()) {
      value = FaultValue::of(i);
    } else {
      double d = 0;
      auto [dp, dec] = std::from_chars(raw.data(), raw.data() + raw.size(), d);
      if (dec == std::errc() && dp == raw.data() + raw.size() && !raw.empty()) {
        value = FaultValue::of(d);
      } else {
        value = FaultValue::of(std::string(raw));
      }
    }
  }
  // A bare flag "silent=1" means true for boolean keys.
  if (value.type == FaultValue::Type::integer && (value.integer == 0 || value.integer == 1)) {
    FaultSettings probe = s;
    if (!apply_fault(probe, key, value)) {
      auto as_bool = apply_fault(probe, key, FaultValue::of(value.integer == 1));
      if (as_bool) {
        s = probe;
        return {};
      }
    }
  }
  return apply_fault(s, key, value);
}

std::uint64_t FaultCounters::total() const {
  std::uint64_t sum = 0;
  for (auto c : counts_) sum += c;
  return sum;
}

FaultCounters& FaultCounters::operator+=(const FaultCounters& other) {
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  return *this;
}

}  // namespace sim
