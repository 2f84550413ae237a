#include "bridge/poller/backfill_planner.h"

#include <algorithm>

namespace bridge::poller {
namespace {

// Smallest multiple of step that is >= value (value may be negative only in tests).
std::int64_t ceil_to(std::int64_t value, std::int64_t step) {
  const std::int64_t r = value % step;
  if (r == 0) return value;
  return r > 0 ? value + (step - r) : value - r;
}

std::int64_t floor_to(std::int64_t value, std::int64_t step) {
  const std::int64_t r = value % step;
  return r >= 0 ? value - r : value - r - step;
}

}  // namespace

BackfillPlan plan_backfill(const BackfillInput& in) {
  BackfillPlan plan;
  const std::int64_t earliest = in.now_ms - in.horizon.count();
  // First instant not yet published (DLMS date-times resolve seconds: round up to one).
  std::int64_t from = in.mark_ms ? *in.mark_ms + 1 : earliest;
  if (from < earliest) {
    plan.given_up_ms = earliest - from;
    from = earliest;
  }
  const std::int64_t period_ms = std::chrono::milliseconds(in.capture_period).count();
  if (period_ms <= 0) {
    // Asynchronous capture: rows can be at any second, one range up to the meter's now.
    from = ceil_to(from, 1000);
    if (from <= in.now_ms) plan.reads.push_back({from, in.now_ms});
    return plan;
  }
  from = ceil_to(from, period_ms);
  const std::int64_t newest = floor_to(in.now_ms, period_ms);
  if (from > newest) return plan;
  const std::int64_t per_read = static_cast<std::int64_t>(std::max<std::size_t>(1, in.max_rows_per_read));
  plan.expected_rows = static_cast<std::uint64_t>((newest - from) / period_ms + 1);
  for (std::int64_t start = from; start <= newest; start += per_read * period_ms) {
    plan.reads.push_back({start, std::min(newest, start + (per_read - 1) * period_ms)});
  }
  return plan;
}

TimePoint next_profile_read(std::optional<TimePoint> last_read, TimePoint associated_at, Duration interval) {
  if (!last_read || *last_read < associated_at) return associated_at;
  return *last_read + interval;
}

}  // namespace bridge::poller
