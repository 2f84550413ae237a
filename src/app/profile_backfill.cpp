#include "profile_backfill.h"

#include "bridge/log.h"
#include "bridge/poller/backfill_planner.h"

namespace bridge::app {
namespace {

namespace cosem = dlms::cosem;
using std::chrono::milliseconds;

std::int64_t to_ms(cosem::UtcTime t) { return t.time_since_epoch().count(); }
cosem::UtcTime from_ms(std::int64_t ms) { return cosem::UtcTime{milliseconds{ms}}; }

}  // namespace

poller::ProfileReadOutcome profile_read_failed(const transport::Error& e, std::size_t rows) {
  poller::ProfileReadOutcome out;
  out.ok = false;
  out.link_broken = e.fatal();
  out.rows = rows;
  out.error = e.message;
  out.reason = labels::profile_read_failure(transport::to_poll_failure(e));
  out.hdlc = e.hdlc;
  return out;
}

poller::ProfileReadOutcome ProfileBackfill::failed(const transport::Error& e, const config::MeterConfig& meter,
                                                   const std::string& profile, std::size_t rows) {
  auto out = profile_read_failed(e, rows);
  // A cancelled read (stop, pause, reload) is not the meter's failure.
  if (metrics_ && e.kind != transport::ErrorKind::cancelled) metrics_->add_read_failure(meter.id, profile, out.reason);
  return out;
}

void ProfileMarks::load(const std::vector<store::ProfileMark>& marks) {
  std::lock_guard lock(mutex_);
  for (const auto& m : marks) {
    auto& v = marks_[{m.meter, m.profile}];
    v = std::max(v, m.last_row_ms);
  }
}

std::optional<std::int64_t> ProfileMarks::get(const std::string& meter, const std::string& profile) const {
  std::lock_guard lock(mutex_);
  auto it = marks_.find({meter, profile});
  if (it == marks_.end()) return std::nullopt;
  return it->second;
}

void ProfileMarks::advance(const std::string& meter, const std::string& profile, std::int64_t last_row_ms) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = marks_.try_emplace({meter, profile}, last_row_ms);
  if (!inserted) it->second = std::max(it->second, last_row_ms);
}

Reading profile_row_reading(const config::MeterConfig& meter, const ProfileTable& table, const ProfileRow& row) {
  Reading r;
  r.meter = meter.id;
  r.device_name = meter.device_name;
  r.ts_ms = to_ms(row.time);
  for (std::size_t c = 0; c < table.columns.size() && c < row.cells.size(); ++c) {
    if (table.clock_index && c == *table.clock_index) continue;
    const auto& cell = row.cells[c];
    if (!cell.number) continue;
    const auto& col = table.columns[c];
    RegisterValue v;
    v.key = col.name;
    v.obis = col.obis;
    v.value = col.factor != 0 ? *cell.number / col.factor : *cell.number;
    v.scaler = col.scaler;
    v.unit = col.unit;
    r.values.push_back(std::move(v));
  }
  return r;
}

awaitable<poller::ProfileReadOutcome> ProfileBackfill::read(transport::DlmsConnection& connection,
                                                            const config::MeterConfig& meter,
                                                            const config::ProfileConfig& profile) {
  const std::string obis = profile.obis.to_string();
  auto layout = co_await read_profile_layout(connection, profile.obis.bytes);
  if (!layout) co_return failed(layout.error(), meter, obis, 0);
  auto clock = co_await read_profile_clock(connection, *layout);
  if (!clock) co_return failed(clock.error(), meter, obis, 0);

  poller::BackfillInput in;
  in.now_ms = to_ms(clock->now);
  in.mark_ms = marks_.get(meter.id, obis);
  in.horizon = profile.backfill;
  in.capture_period = std::chrono::seconds(layout->capture_period);
  in.max_rows_per_read = max_rows_per_read_;
  const auto plan = poller::plan_backfill(in);
  if (plan.given_up_ms > 0) {
    log::warn("load-profile gap longer than the backfill horizon; the oldest part is not read",
              {{"meter", meter.id}, {"profile", obis}, {"given_up_s", plan.given_up_ms / 1000},
               {"horizon", config::format_duration(profile.backfill)}});
  }
  if (metrics_) metrics_->add_profile(meter.id, obis);

  std::size_t total = 0;
  for (const auto& range : plan.reads) {
    ProfileTable table = *layout;
    auto rows = co_await read_profile_range(connection, table, from_ms(range.from_ms), from_ms(range.to_ms),
                                            clock->deviation);
    if (!rows) co_return failed(rows.error(), meter, obis, total);
    if (metrics_) metrics_->add_rows_read(meter.id, obis, table.rows.size());
    if (table.rows.empty()) continue;
    mqtt::ProfileRows batch;
    batch.meter = meter.id;
    batch.profile = obis;
    batch.rows.reserve(table.rows.size());
    for (const auto& row : table.rows) batch.rows.push_back(profile_row_reading(meter, table, row));
    total += batch.rows.size();
    marks_.advance(meter.id, obis, batch.rows.back().ts_ms);
    log::debug("load-profile rows read", {{"meter", meter.id}, {"profile", obis}, {"rows", batch.rows.size()},
                                          {"selection", table.selection}});
    sink_(std::move(batch));
  }
  poller::ProfileReadOutcome out;
  out.ok = true;
  out.rows = total;
  co_return out;
}

}  // namespace bridge::app
