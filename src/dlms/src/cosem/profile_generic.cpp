#include "dlms/cosem/profile_generic.h"

namespace dlms::cosem {

std::string_view to_label(ProfileError e) {
  switch (e) {
    case ProfileError::not_an_array: return "not_an_array";
    case ProfileError::bad_entry: return "bad_entry";
    case ProfileError::bad_capture_object: return "bad_capture_object";
    case ProfileError::bad_capture_period: return "bad_capture_period";
    case ProfileError::bad_time: return "bad_time";
  }
  return "unknown";
}

bridge::Result<std::vector<CaptureObject>, ProfileError> decode_capture_objects(const Value& attribute3) {
  const auto* list = attribute3.get_if<Array>();
  if (!list) return bridge::fail(ProfileError::not_an_array);
  std::vector<CaptureObject> out;
  out.reserve(list->items.size());
  for (const auto& item : list->items) {
    auto c = decode_capture_object(item);
    if (!c) return bridge::fail(ProfileError::bad_capture_object);
    out.push_back(*c);
  }
  return out;
}

bridge::Result<std::uint32_t, ProfileError> decode_capture_period(const Value& attribute4) {
  if (const auto* p = attribute4.get_if<std::uint32_t>()) return *p;
  return bridge::fail(ProfileError::bad_capture_period);
}

bridge::Result<std::vector<ProfileEntry>, ProfileError> decode_buffer(const Value& attribute2, std::size_t columns) {
  const auto* list = attribute2.get_if<Array>();
  if (!list) return bridge::fail(ProfileError::not_an_array);
  std::vector<ProfileEntry> out;
  out.reserve(list->items.size());
  for (const auto& item : list->items) {
    const auto* s = item.get_if<Structure>();
    if (!s || s->items.size() != columns) return bridge::fail(ProfileError::bad_entry);
    out.push_back(s->items);
  }
  return out;
}

std::optional<std::size_t> clock_column(const std::vector<CaptureObject>& columns) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].class_id == kClockClass && columns[i].attribute == 2) return i;
  }
  return std::nullopt;
}

bridge::Result<DateTime, DateTimeError> column_date_time(const Value& v) {
  if (const auto* dt = v.get_if<DateTime>()) return *dt;
  if (const auto* os = v.get_if<OctetString>()) {
    auto dt = decode_date_time(os->bytes);
    if (!dt) return bridge::fail(DateTimeError::incomplete);
    return *dt;
  }
  return bridge::fail(DateTimeError::incomplete);
}

bridge::Result<std::vector<UtcTime>, ProfileError> entry_times(const std::vector<ProfileEntry>& entries,
                                                                std::size_t clock_index, std::uint32_t capture_period,
                                                                std::int16_t assumed_deviation) {
  std::vector<UtcTime> out;
  out.reserve(entries.size());
  for (const auto& entry : entries) {
    if (clock_index >= entry.size()) return bridge::fail(ProfileError::bad_entry);
    const Value& v = entry[clock_index];
    if (v.get_if<Null>()) {
      if (out.empty() || capture_period == 0) return bridge::fail(ProfileError::bad_time);
      out.push_back(out.back() + std::chrono::seconds{capture_period});
      continue;
    }
    auto dt = column_date_time(v);
    if (!dt) return bridge::fail(ProfileError::bad_time);
    if (dt->deviation == kDeviationNotSpecified) dt->deviation = assumed_deviation;
    auto utc = to_utc(*dt);
    if (!utc) return bridge::fail(ProfileError::bad_time);
    out.push_back(*utc);
  }
  return out;
}

}  // namespace dlms::cosem
