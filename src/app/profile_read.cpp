#include "profile_read.h"

#include <algorithm>

#include "dlms/cosem/profile_generic.h"
#include "dlms/cosem/register.h"
#include "dlms/cosem/units.h"
#include "electricity_registers.h"
#include "value_text.h"

namespace bridge::app {
namespace {

namespace cosem = dlms::cosem;
using transport::Error;
using transport::ErrorKind;
using transport::Step;

Error protocol_error(const std::string& message) {
  return transport::make_error(ErrorKind::protocol, Step::request, "protocol error: " + message);
}

bool has_scaler_unit(int class_id) { return class_id == 3 || class_id == 4 || class_id == 5; }

// Energy in Wh/VAh/varh reads better in kWh/kVAh/kvarh; every other unit stays as read.
void convert_unit(ProfileColumn& c) {
  const auto symbol = std::string(cosem::unit_symbol(c.unit));
  const bool energy = c.unit == cosem::kUnitWattHour || c.unit == cosem::kUnitVoltAmpereHour ||
                      c.unit == cosem::kUnitVarHour;
  c.unit_symbol = energy ? "k" + symbol : symbol;
  c.factor = energy ? 1e-3 : 1.0;
}

std::string column_name(const cosem::CaptureObject& o) {
  if (o.class_id == cosem::kClockClass && o.attribute == 2) return "time";
  const auto known = electricity_register(o.obis.bytes);
  if (known && o.attribute == 2) return std::string(known->key);
  std::string name = transport::obis_text(o.obis.bytes);
  if (o.attribute != 2) name += "/" + std::to_string(o.attribute);
  return name;
}

cosem::Value date_time_value(cosem::UtcTime t, std::int16_t deviation) {
  // Hundredths and status "not specified": a range bound is a minute mark, not a reading.
  cosem::DateTime dt = cosem::from_utc(t, deviation, 0xFF);
  dt.time.hundredths = 0xFF;
  return cosem::OctetString{cosem::encode_date_time(dt)};
}

std::vector<cosem::CaptureObject> capture_objects(const ProfileTable& table) {
  std::vector<cosem::CaptureObject> out;
  out.reserve(table.columns.size());
  for (const auto& c : table.columns) out.push_back(c.object);
  return out;
}

// Reads the buffer with `access` (or whole) and appends the rows inside [from, to] when given.
awaitable<Result<void, Error>> read_buffer(transport::DlmsConnection& connection, const transport::LogicalName& ln,
                                           ProfileTable& table, std::optional<cosem::SelectiveAccess> access,
                                           std::optional<cosem::UtcTime> from, std::optional<cosem::UtcTime> to,
                                           std::int16_t deviation) {
  // (No co_await inside ?: — GCC miscompiles coroutine suspensions in conditional expressions.)
  Result<cosem::Value, Error> buffer = fail(protocol_error("buffer not read"));
  if (access) {
    buffer = co_await connection.get(ln, cosem::kProfileGenericClass, 2, *access);
  } else {
    buffer = co_await connection.get(ln, cosem::kProfileGenericClass, 2);
  }
  if (!buffer) co_return fail(buffer.error());
  auto entries = cosem::decode_buffer(*buffer, table.columns.size());
  if (!entries) co_return fail(protocol_error("buffer of " + table.obis + ": " + std::string(cosem::to_label(entries.error()))));
  std::vector<cosem::UtcTime> times(entries->size());
  if (table.clock_index) {
    auto t = cosem::entry_times(*entries, *table.clock_index, table.capture_period, deviation);
    if (!t) co_return fail(protocol_error("buffer of " + table.obis + ": an entry has no usable time"));
    times = std::move(*t);
  }
  for (std::size_t i = 0; i < entries->size(); ++i) {
    // Both ends inclusive, whatever the meter included at the edges.
    if (from && times[i] < *from) continue;
    if (to && times[i] > *to) continue;
    ProfileRow row;
    row.time = times[i];
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const auto& v = (*entries)[i][c];
      ProfileCell cell;
      if (table.clock_index && c == *table.clock_index) {
        cell.text = cosem::utc_text(times[i]);
      } else if (auto n = cosem::to_number(v)) {
        cell.number = cosem::scale(*n, static_cast<std::int8_t>(table.columns[c].scaler)) * table.columns[c].factor;
      } else {
        cell.text = value_text(v);
      }
      row.cells.push_back(std::move(cell));
    }
    table.rows.push_back(std::move(row));
  }
  co_return Result<void, Error>{};
}

}  // namespace

awaitable<Result<ProfileTable, Error>> read_profile_layout(transport::DlmsConnection& connection,
                                                          transport::LogicalName ln) {
  ProfileTable table;
  table.ln = ln;
  table.obis = transport::obis_text(ln);
  auto objects = co_await connection.get(ln, cosem::kProfileGenericClass, 3);
  if (!objects) co_return fail(objects.error());
  auto captured = cosem::decode_capture_objects(*objects);
  if (!captured) {
    co_return fail(protocol_error("capture_objects of " + table.obis + ": " + std::string(cosem::to_label(captured.error()))));
  }
  auto period_value = co_await connection.get(ln, cosem::kProfileGenericClass, 4);
  if (!period_value) co_return fail(period_value.error());
  auto period = cosem::decode_capture_period(*period_value);
  if (!period) co_return fail(protocol_error("capture_period of " + table.obis + " is not double-long-unsigned"));
  table.capture_period = *period;

  for (const auto& o : *captured) {
    ProfileColumn c;
    c.object = o;
    c.name = column_name(o);
    c.obis = transport::obis_text(o.obis.bytes);
    if (has_scaler_unit(o.class_id) && o.attribute == 2) {
      auto su = co_await connection.get(o.obis.bytes, o.class_id, 3);
      if (!su && su.error().fatal()) co_return fail(su.error());
      if (su) {
        auto decoded = cosem::decode_scaler_unit(*su);
        if (!decoded) co_return fail(protocol_error("scaler_unit of " + c.obis + " is not structure{integer, enum}"));
        c.scaler = decoded->scaler;
        c.unit = decoded->unit;
      }
    }
    convert_unit(c);
    table.columns.push_back(std::move(c));
  }
  table.clock_index = cosem::clock_column(*captured);
  co_return table;
}

awaitable<Result<MeterClock, Error>> read_profile_clock(transport::DlmsConnection& connection,
                                                        const ProfileTable& table) {
  if (!table.clock_index) {
    co_return fail(transport::make_error(ErrorKind::invalid_argument, Step::request,
                                         table.obis + " has no clock column to select a time range on"));
  }
  const auto ln = table.columns[*table.clock_index].object.obis.bytes;
  auto v = co_await connection.get(ln, cosem::kClockClass, 2);
  if (!v) co_return fail(v.error());
  auto clock = cosem::column_date_time(*v);
  if (!clock) co_return fail(protocol_error("the clock " + transport::obis_text(ln) + " is not a date-time"));
  MeterClock out;
  if (clock->deviation != cosem::kDeviationNotSpecified) out.deviation = clock->deviation;
  cosem::DateTime now_dt = *clock;
  now_dt.deviation = out.deviation;
  auto now = cosem::to_utc(now_dt);
  if (!now) co_return fail(protocol_error("the meter's clock is not a complete date-time (" + cosem::to_iso8601(*clock) + ")"));
  out.now = *now;
  co_return out;
}

awaitable<Result<void, Error>> read_profile_range(transport::DlmsConnection& connection, ProfileTable& table,
                                                  cosem::UtcTime from, cosem::UtcTime to, std::int16_t deviation) {
  if (!table.clock_index) {
    co_return fail(transport::make_error(ErrorKind::invalid_argument, Step::request,
                                         table.obis + " has no clock column to select a time range on"));
  }
  const auto captured = capture_objects(table);
  cosem::RangeDescriptor range{captured[*table.clock_index], date_time_value(from, deviation),
                               date_time_value(to, deviation), {}};
  table.selection = "range " + cosem::utc_text(from) + ".." + cosem::utc_text(to);
  const transport::LogicalName ln = table.ln;
  co_return co_await read_buffer(connection, ln, table, cosem::make_range_access(range), from, to, deviation);
}

awaitable<Result<ProfileTable, Error>> read_profile(transport::DlmsConnection& connection, ProfileQuery query) {
  auto layout = co_await read_profile_layout(connection, query.ln);
  if (!layout) co_return fail(layout.error());
  ProfileTable table = std::move(*layout);

  // The selection.
  std::optional<cosem::SelectiveAccess> access;
  std::optional<cosem::UtcTime> from = query.from;
  std::optional<cosem::UtcTime> to = query.to;
  std::int16_t deviation = 0;
  if ((from || to || query.last) && table.clock_index) {
    auto clock = co_await read_profile_clock(connection, table);
    if (!clock) co_return fail(clock.error());
    deviation = clock->deviation;
    if (query.last && table.capture_period > 0) {
      const auto p = std::chrono::seconds{table.capture_period};
      const auto secs = std::chrono::floor<std::chrono::seconds>(clock->now.time_since_epoch());
      const auto newest = cosem::UtcTime{secs - secs % p};
      from = newest - p * (*query.last - 1);
      to = clock->now;
    }
  }
  if (from || to) {
    if (!table.clock_index) co_return fail(transport::make_error(ErrorKind::invalid_argument, Step::request,
                                                                 table.obis + " has no clock column to select a time range on"));
    const auto lo = from.value_or(cosem::UtcTime{});
    const auto hi = to.value_or(cosem::UtcTime{std::chrono::hours{24 * 365 * 200}});
    cosem::RangeDescriptor range{table.columns[*table.clock_index].object, date_time_value(lo, deviation),
                                 date_time_value(hi, deviation), {}};
    access = cosem::make_range_access(range);
    table.selection = "range " + cosem::utc_text(lo) + ".." + cosem::utc_text(hi);
  } else if (query.last) {
    // No clock or no capture period: an explicit entry range ending at the entries in use.
    auto in_use_value = co_await connection.get(query.ln, cosem::kProfileGenericClass, 7);
    if (!in_use_value) co_return fail(in_use_value.error());
    const auto* in_use = in_use_value->get_if<std::uint32_t>();
    if (!in_use) co_return fail(protocol_error("entries_in_use of " + table.obis + " is not double-long-unsigned"));
    if (*in_use == 0) co_return table;
    const std::uint32_t first = *in_use > *query.last ? *in_use - *query.last + 1 : 1;
    access = cosem::make_entry_access({first, *in_use, 1, 0});
    table.selection = "entries " + std::to_string(first) + ".." + std::to_string(*in_use);
  } else {
    table.selection = "all";
  }

  auto read = co_await read_buffer(connection, query.ln, table, access, from, to, deviation);
  if (!read) co_return fail(read.error());
  if (query.last && table.rows.size() > *query.last) {
    table.rows.erase(table.rows.begin(), table.rows.end() - static_cast<std::ptrdiff_t>(*query.last));
  }
  co_return table;
}

}  // namespace bridge::app
