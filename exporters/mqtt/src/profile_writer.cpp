#include "profile_writer.h"

#include "bridge/log.h"
#include "bridge/mqtt/backfill_payload.h"
#include "bridge/store/store.h"

namespace bridge::mqtt {
namespace {
constexpr auto kRetry = std::chrono::seconds(1);
}  // namespace

std::size_t ProfileWriter::queued_rows() const {
  std::size_t n = 0;
  for (const auto& q : queued_) n += q.rows.size();
  return n;
}

void ProfileWriter::write(Clock::time_point now, const std::function<void(const Reading&)>& first_row) {
  if (failing_ && now < retry_at_) return;
  while (!queued_.empty()) {
    const ProfileRows& batch = queued_.front();
    if (batch.rows.empty()) {
      queued_.pop_front();
      continue;
    }
    std::vector<store::OutboxMessage> messages;
    messages.reserve(batch.rows.size());
    for (const auto& row : batch.rows) {
      auto m = backfill_message(row, batch.profile, options_.mode, options_.topic_template);
      messages.push_back(store::OutboxMessage{row.meter, std::move(m.topic), std::move(m.payload), row.ts_ms, 0});
    }
    auto result = store_.outbox_insert_profile_rows(batch.meter, batch.profile, messages);
    if (!result) {
      if (!failing_) {
        log::error("outbox insert of load-profile rows failed; kept in memory and retried",
                   {{"meter", batch.meter}, {"profile", batch.profile}, {"rows", batch.rows.size()},
                    {"error", result.error().message}});
        report_.emit(Severity::error, "store", "outbox insert of load-profile rows failed: " + result.error().message,
                     details_json({{"profile", batch.profile}, {"rows", batch.rows.size()}}), batch.meter);
      }
      failing_ = true;
      retry_at_ = now + kRetry;
      return;
    }
    failing_ = false;
    if (!result->ids.empty()) {
      pump_.inserted(result->ids);
      first_row(batch.rows.front());
      report_.stored(batch.meter, result->ids.size());
      log::debug("load-profile rows stored", {{"meter", batch.meter}, {"profile", batch.profile},
                                             {"inserted", result->ids.size()}, {"skipped", result->skipped},
                                             {"last_row_ms", result->last_row_ms}});
    }
    if (stored_ && result->last_row_ms > 0) stored_(batch.meter, batch.profile, result->last_row_ms, result->ids.size());
    queued_.pop_front();
  }
}

}  // namespace bridge::mqtt
