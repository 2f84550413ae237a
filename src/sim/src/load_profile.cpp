#include "sim/load_profile.h"

#include <algorithm>
#include <cmath>

#include "dlms/cosem/date_time.h"
#include "dlms/cosem/profile_generic.h"

namespace sim {

namespace cosem = dlms::cosem;
using cosem::Value;

namespace {

cosem::Obis obis(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint8_t e) {
  return cosem::Obis{{a, b, c, d, e, 255}};
}

// Which quantity each register column holds (column 0 is the clock).
constexpr Quantity kColumnQuantities[] = {Quantity::active_energy, Quantity::active_power, Quantity::voltage_l1};

Value register_value(Quantity q, std::int64_t raw) {
  switch (q) {
    case Quantity::active_power: return static_cast<std::int32_t>(raw);
    default: return static_cast<std::uint32_t>(std::clamp<std::int64_t>(raw, 0, 0xFFFFFFFF));
  }
}

std::int64_t unix_seconds(WallTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Entries are numbered by their quarter hour since the epoch (k * period = unix time).
struct Window {
  std::int64_t first = 0;  // oldest entry held
  std::int64_t last = 0;   // newest entry held
};

Window window_of(const ReadContext& ctx) {
  const std::int64_t now = unix_seconds(ctx.meter.clock_time(ctx.wall, ctx.elapsed_s));
  const std::int64_t last = now / kLoadProfilePeriodS - (now < 0 ? 1 : 0);
  return {last - kLoadProfileEntries + 1, last};
}

Value entry(const ReadContext& ctx, std::int64_t k, const std::vector<std::size_t>& columns) {
  const std::int64_t t = k * kLoadProfilePeriodS;
  // The measurement time on the simulator's own axis (seconds since start), rounded so that
  // every read of one entry gives the same values.
  const double start_unix = static_cast<double>(unix_seconds(ctx.wall)) - std::floor(ctx.elapsed_s);
  const double elapsed = static_cast<double>(t) - start_unix;
  cosem::Structure s;
  for (std::size_t c : columns) {
    if (c == 0) {
      const auto dt = cosem::from_utc(cosem::UtcTime{std::chrono::seconds{t}}, 0, 0);
      s.items.push_back(cosem::OctetString{cosem::encode_date_time(dt)});
      continue;
    }
    const Quantity q = kColumnQuantities[c - 1];
    s.items.push_back(register_value(q, ctx.meter.measurements().sample(q, elapsed).raw));
  }
  return s;
}

Value entries(const ReadContext& ctx, std::int64_t from, std::int64_t to, const std::vector<std::size_t>& columns) {
  cosem::Array out;
  for (std::int64_t k = from; k <= to; ++k) out.items.push_back(entry(ctx, k, columns));
  return out;
}

std::vector<std::size_t> all_columns() {
  return {0, 1, 2, 3};
}

bridge::Result<std::int64_t, AccessResult> instant_of(const Value& v) {
  auto dt = cosem::column_date_time(v);
  if (!dt) return bridge::fail(AccessResult::other_reason);
  if (dt->deviation == cosem::kDeviationNotSpecified) dt->deviation = 0;  // the meter keeps UTC
  auto utc = cosem::to_utc(*dt);
  if (!utc) return bridge::fail(AccessResult::other_reason);
  return std::chrono::floor<std::chrono::seconds>(*utc).time_since_epoch().count();
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && (a < 0) ? 1 : 0); }

bridge::Result<Value, AccessResult> by_range(const Value& parameters, const ReadContext& ctx) {
  auto range = cosem::decode_range_descriptor(parameters);
  if (!range) return bridge::fail(AccessResult::other_reason);
  const auto columns = load_profile_columns(ctx.meter.profile());
  if (!(range->restricting == columns[0])) return bridge::fail(AccessResult::other_reason);
  auto from = instant_of(range->from);
  auto to = instant_of(range->to);
  if (!from || !to) return bridge::fail(AccessResult::other_reason);
  std::vector<std::size_t> selected;
  for (const auto& wanted : range->selected_values) {
    auto it = std::find(columns.begin(), columns.end(), wanted);
    if (it == columns.end()) return bridge::fail(AccessResult::other_reason);
    selected.push_back(static_cast<std::size_t>(it - columns.begin()));
  }
  if (selected.empty()) selected = all_columns();
  const Window w = window_of(ctx);
  const std::int64_t period = kLoadProfilePeriodS;
  const std::int64_t lo = std::max(w.first, floor_div(*from + period - 1, period));  // ceil
  const std::int64_t hi = std::min(w.last, floor_div(*to, period));
  return entries(ctx, lo, hi, selected);
}

bridge::Result<Value, AccessResult> by_entry(const Value& parameters, const ReadContext& ctx) {
  auto e = cosem::decode_entry_descriptor(parameters);
  if (!e || e->from_entry == 0 || e->from_selected_value == 0) return bridge::fail(AccessResult::other_reason);
  if (e->to_entry == 0) ++ctx.meter.stats().profile_open_ended_reads;
  const Window w = window_of(ctx);
  const std::int64_t to_entry = e->to_entry == 0 ? kLoadProfileEntries : std::min<std::int64_t>(e->to_entry, kLoadProfileEntries);
  const std::size_t last_column = e->to_selected_value == 0 ? 4 : std::min<std::size_t>(e->to_selected_value, 4);
  std::vector<std::size_t> selected;
  for (std::size_t c = e->from_selected_value; c <= last_column; ++c) selected.push_back(c - 1);
  if (selected.empty()) return bridge::fail(AccessResult::other_reason);
  return entries(ctx, w.first + e->from_entry - 1, w.first + to_entry - 1, selected);
}

}  // namespace

std::vector<cosem::CaptureObject> load_profile_columns(const Profile& profile) {
  const std::uint8_t b = profile.obis_channel;
  return {{8, obis(0, 0, 1, 0, 0), 2, 0},
          {3, obis(1, b, 1, 8, 0), 2, 0},
          {3, obis(1, b, 1, 7, 0), 2, 0},
          {3, obis(1, b, 32, 7, 0), 2, 0}};
}

bridge::Result<Value, AccessResult> read_load_profile(std::int8_t attribute, const cosem::SelectiveAccess* access,
                                                      const ReadContext& ctx) {
  if (access && attribute != 2) return bridge::fail(AccessResult::scope_of_access_violated);
  const auto columns = load_profile_columns(ctx.meter.profile());
  switch (attribute) {
    case 2: {
      ++ctx.meter.stats().profile_reads;
      if (!access) {
        const Window w = window_of(ctx);
        return entries(ctx, w.first, w.last, all_columns());
      }
      if (access->selector == cosem::kRangeSelector) return by_range(access->parameters, ctx);
      if (access->selector == cosem::kEntrySelector) return by_entry(access->parameters, ctx);
      return bridge::fail(AccessResult::other_reason);
    }
    case 3: {
      cosem::Array list;
      for (const auto& c : columns) list.items.push_back(cosem::encode_capture_object(c));
      return Value{std::move(list)};
    }
    case 4: return Value{kLoadProfilePeriodS};
    case 5: return Value{cosem::Enum{1}};  // sort_method: fifo
    case 6: return cosem::encode_capture_object(columns[0]);
    case 7:
    case 8: return Value{kLoadProfileEntries};  // entries_in_use = profile_entries: the buffer is full
    default: return bridge::fail(AccessResult::object_unavailable);
  }
}

}  // namespace sim
