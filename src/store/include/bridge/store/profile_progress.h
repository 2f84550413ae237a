#pragma once
// Load-profile backfill progress: per meter and profile, the capture time of the last row that
// entered the outbox. It is advanced in the SAME transaction that inserts the rows
// (Store::outbox_insert_profile_rows), so after any crash or restart either both the rows and
// the mark are there or neither: a row is never published twice and never skipped.
#include <cstdint>
#include <string>
#include <vector>

namespace bridge::store {

struct ProfileMark {
  std::string meter;
  std::string profile;          // the profile's OBIS text, e.g. "1-0:99.1.0"
  std::int64_t last_row_ms = 0;  // capture time (UTC ms) of the newest row in the outbox so far
  std::int64_t updated_ms = 0;   // when the mark last moved (the store's clock)
};

struct ProfileInsertResult {
  std::vector<std::int64_t> ids;  // outbox ids of the rows inserted, in input order
  std::int64_t skipped = 0;       // rows at or before the mark: already in the outbox once
  std::int64_t last_row_ms = 0;   // the mark after the insert (0: still none)
};

}  // namespace bridge::store
