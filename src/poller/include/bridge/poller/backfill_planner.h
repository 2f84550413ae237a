#pragma once
// Load-profile backfill planning: which time ranges of a Profile Generic buffer to read, from
// the progress mark (the capture time of the last row already in the outbox), the meter's
// clock, the horizon and the capture period. Pure: the caller passes every input, so unit tests
// drive it with a fake clock.
//
// The ranges are for selective access by range on the clock column, both ends inclusive
// (never an entry range with to_entry = 0, which some meters crash on). A row is captured at a
// multiple of the capture period: the first range starts at the first capture strictly after
// the mark, the last one ends at the newest capture the meter's clock has passed. Rows older
// than now - horizon are never read; when the mark is older than that, the rows in between are
// reported as given up (`given_up_ms`), not silently skipped.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "bridge/poller/clock.h"

namespace bridge::poller {

struct BackfillRange {
  std::int64_t from_ms = 0;  // UTC ms, inclusive
  std::int64_t to_ms = 0;    // UTC ms, inclusive
  friend bool operator==(const BackfillRange&, const BackfillRange&) = default;
};

struct BackfillInput {
  std::int64_t now_ms = 0;                 // the meter's clock (UTC ms)
  std::optional<std::int64_t> mark_ms;     // last row already published; nullopt: none ever
  Duration horizon{};                      // read no row older than now - horizon
  std::chrono::seconds capture_period{};   // attribute 4; 0 = asynchronous capture
  std::size_t max_rows_per_read = 96;      // one GET asks for at most this many rows (a day of quarters)
};

struct BackfillPlan {
  std::vector<BackfillRange> reads;  // oldest first, adjacent, not overlapping
  std::int64_t given_up_ms = 0;      // time between the mark and the horizon that is not read
  std::uint64_t expected_rows = 0;   // captures the ranges cover (0 for asynchronous profiles)
};

BackfillPlan plan_backfill(const BackfillInput& input);

// When the next profile read is due: right after an association that has not read the profile
// yet (the catch-up after a gap or a restart), else `interval` after the last read.
TimePoint next_profile_read(std::optional<TimePoint> last_read, TimePoint associated_at, Duration interval);

}  // namespace bridge::poller
