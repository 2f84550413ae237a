#pragma once
// The publisher thread's side of the load-profile backfill: turns queued ProfileRows into
// backfill messages (backfill_payload.h) and writes them with their progress mark in one store
// transaction (Store::outbox_insert_profile_rows), then hands the new rows to the pump as live
// rows. A failed insert keeps the batch and retries it after a pause; nothing is published
// before its row (and the mark) is committed.
#include <chrono>
#include <deque>
#include <functional>

#include "bridge/mqtt/exporter.h"
#include "outbox_pump.h"
#include "report.h"

namespace bridge::store {
class Store;
}

namespace bridge::mqtt {

class ProfileWriter {
 public:
  using Clock = std::chrono::steady_clock;

  ProfileWriter(const Options& options, store::Store& store, OutboxPump& pump, Report& report)
      : options_(options), store_(store), pump_(pump), report_(report) {}

  void set_stored(ProfileStoredFn fn) { stored_ = std::move(fn); }
  void add(ProfileRows rows) { queued_.push_back(std::move(rows)); }
  // Writes what is queued (unless retrying after a failure before `now`). `first_row` is called
  // for each batch that entered the outbox (so the exporter can announce its meter).
  void write(Clock::time_point now, const std::function<void(const Reading&)>& first_row);
  std::size_t queued_rows() const;

 private:
  const Options& options_;
  store::Store& store_;
  OutboxPump& pump_;
  Report& report_;
  ProfileStoredFn stored_;
  std::deque<ProfileRows> queued_;
  Clock::time_point retry_at_{};
  bool failing_ = false;
};

}  // namespace bridge::mqtt
