#include "bridge/poller/clock_check.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace bridge::poller {

using std::chrono::milliseconds;

ClockPolicy clock_policy(const config::QosConfig& q) {
  return ClockPolicy{q.clock, q.clock_check_every, q.clock_max_offset, q.clock_max_step};
}

std::string_view to_label(ClockQuality q) {
  switch (q) {
    case ClockQuality::ok: return "ok";
    case ClockQuality::doubtful: return "doubtful";
    case ClockQuality::invalid: return "invalid";
    case ClockQuality::unknown_zone: return "unknown_zone";
    case ClockQuality::incomplete: return "incomplete";
  }
  return "ok";
}

ClockAssessment assess_clock(const MeterClockValue& meter, UtcTime sent, UtcTime received) {
  ClockAssessment a;
  a.round_trip = std::max(milliseconds{0}, received - sent);
  const bool status_known = meter.status != 0xFF;
  if (status_known && (meter.status & (kClockInvalidValue | kClockInvalidStatus)) != 0) {
    a.quality = ClockQuality::invalid;
    char status[8];
    std::snprintf(status, sizeof status, "0x%02x", meter.status);
    a.problem = "the meter marks its clock invalid (" + meter.text + ", status " + status + ")";
    return a;
  }
  if (meter.deviation == kNoDeviation) {
    a.quality = ClockQuality::unknown_zone;
    a.problem = "the meter's clock has no deviation (" + meter.text +
                "): local time of an unknown zone, no offset can be computed";
    return a;
  }
  if (!meter.utc) {
    a.quality = ClockQuality::incomplete;
    a.problem = "the meter's clock is incomplete (" + meter.text + ")";
    return a;
  }
  const UtcTime midpoint = sent + a.round_trip / 2;
  a.offset_s = std::chrono::duration<double>(*meter.utc - midpoint).count();
  if (status_known && (meter.status & kClockDoubtfulValue) != 0) {
    a.quality = ClockQuality::doubtful;
    a.problem = "the meter marks its clock doubtful (" + meter.text + ")";
  }
  return a;
}

std::optional<ClockSet> plan_clock_set(const ClockPolicy& policy, const MeterClockValue& meter,
                                       const ClockAssessment& assessment, UtcTime now) {
  if (policy.mode != config::ClockMode::sync) return std::nullopt;
  if (assessment.quality == ClockQuality::unknown_zone) return std::nullopt;
  ClockSet set;
  set.deviation = meter.deviation == kNoDeviation ? 0 : meter.deviation;
  constexpr std::uint8_t kDaylightSaving = 0x80;
  set.status = meter.status == 0xFF ? 0 : static_cast<std::uint8_t>(meter.status & kDaylightSaving);
  // The SET reaches the meter about half a round trip after it leaves.
  const UtcTime arrival = now + assessment.round_trip / 2;
  if (!assessment.offset_s) {
    // Invalid or incomplete: nothing to keep, set it right.
    set.target = arrival;
    set.step_s = std::numeric_limits<double>::quiet_NaN();
    return set;
  }
  const double offset = *assessment.offset_s;
  const double max_offset = std::chrono::duration<double>(policy.max_offset).count();
  if (std::abs(offset) <= max_offset) return std::nullopt;
  const double max_step = std::chrono::duration<double>(policy.max_step).count();
  const double correction = std::clamp(offset, -max_step, max_step);  // taken off the meter's clock
  set.bounded = std::abs(offset) > max_step;
  set.step_s = -correction;
  const auto residual = std::chrono::round<milliseconds>(std::chrono::duration<double>(offset - correction));
  set.target = arrival + residual;
  return set;
}

}  // namespace bridge::poller
