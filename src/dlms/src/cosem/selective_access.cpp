#include "dlms/cosem/selective_access.h"

namespace dlms::cosem {

namespace {

template <class T>
bridge::Result<T, DataError> exact(const Value& v) {
  if (const T* x = v.get_if<T>()) return *x;
  return bridge::fail(DataError::wrong_type);
}

}  // namespace

Value encode_capture_object(const CaptureObject& c) {
  return Structure{{c.class_id, OctetString{Bytes(c.obis.bytes.begin(), c.obis.bytes.end())}, c.attribute,
                    c.data_index}};
}

bridge::Result<CaptureObject, DataError> decode_capture_object(const Value& v) {
  const auto* s = v.get_if<Structure>();
  if (!s || s->items.size() != 4) return bridge::fail(DataError::wrong_type);
  auto class_id = exact<std::uint16_t>(s->items[0]);
  const auto* name = s->items[1].get_if<OctetString>();
  auto attribute = exact<std::int8_t>(s->items[2]);
  auto data_index = exact<std::uint16_t>(s->items[3]);
  if (!class_id || !name || name->bytes.size() != 6 || !attribute || !data_index) {
    return bridge::fail(DataError::wrong_type);
  }
  CaptureObject c;
  c.class_id = *class_id;
  std::copy(name->bytes.begin(), name->bytes.end(), c.obis.bytes.begin());
  c.attribute = *attribute;
  c.data_index = *data_index;
  return c;
}

SelectiveAccess make_range_access(const RangeDescriptor& range) {
  Array selected;
  for (const auto& c : range.selected_values) selected.items.push_back(encode_capture_object(c));
  return SelectiveAccess{kRangeSelector,
                         Structure{{encode_capture_object(range.restricting), range.from, range.to, std::move(selected)}}};
}

SelectiveAccess make_entry_access(const EntryDescriptor& e) {
  return SelectiveAccess{kEntrySelector,
                         Structure{{e.from_entry, e.to_entry, e.from_selected_value, e.to_selected_value}}};
}

bridge::Result<RangeDescriptor, DataError> decode_range_descriptor(const Value& parameters) {
  const auto* s = parameters.get_if<Structure>();
  if (!s || s->items.size() != 4) return bridge::fail(DataError::wrong_type);
  auto restricting = decode_capture_object(s->items[0]);
  if (!restricting) return bridge::fail(restricting.error());
  const auto* selected = s->items[3].get_if<Array>();
  if (!selected) return bridge::fail(DataError::wrong_type);
  RangeDescriptor r{*restricting, s->items[1], s->items[2], {}};
  for (const auto& item : selected->items) {
    auto c = decode_capture_object(item);
    if (!c) return bridge::fail(c.error());
    r.selected_values.push_back(*c);
  }
  return r;
}

bridge::Result<EntryDescriptor, DataError> decode_entry_descriptor(const Value& parameters) {
  const auto* s = parameters.get_if<Structure>();
  if (!s || s->items.size() != 4) return bridge::fail(DataError::wrong_type);
  auto from = exact<std::uint32_t>(s->items[0]);
  auto to = exact<std::uint32_t>(s->items[1]);
  auto from_value = exact<std::uint16_t>(s->items[2]);
  auto to_value = exact<std::uint16_t>(s->items[3]);
  if (!from || !to || !from_value || !to_value) return bridge::fail(DataError::wrong_type);
  return EntryDescriptor{*from, *to, *from_value, *to_value};
}

}  // namespace dlms::cosem
