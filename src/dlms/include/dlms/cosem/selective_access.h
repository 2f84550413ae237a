#pragma once
// Selective access to a Profile Generic buffer (class 7 attribute 2; Blue Book 4.3.6,
// docs/protocol.md 1.19). The parameters travel as A-XDR Data after the access selector of a
// GET.request-normal (`... 02 01 <selector> <Data>`):
//
//   selector 1, range_descriptor ::= structure {
//     restricting_object  capture_object_definition,   -- normally the clock column
//     from_value, to_value  (the restricting object's type: octet-string(12) date-time)
//     selected_values     array capture_object_definition  -- empty = every column }
//   selector 2, entry_descriptor ::= structure {
//     from_entry double-long-unsigned, to_entry double-long-unsigned,   -- 1-based, inclusive
//     from_selected_value long-unsigned, to_selected_value long-unsigned }  -- 1-based columns
//   capture_object_definition ::= structure {
//     class_id long-unsigned, logical_name octet-string(6), attribute_index integer,
//     data_index long-unsigned }
//
// to_entry = 0 and to_selected_value = 0 mean "up to the last": some meters crash on
// to_entry = 0, so the bridge's reads never send it (see make_entry_access).
#include <cstdint>
#include <vector>

#include "bridge/result.h"
#include "dlms/cosem/get.h"
#include "dlms/cosem/obis.h"
#include "dlms/cosem/value.h"

namespace dlms::cosem {

inline constexpr std::uint8_t kRangeSelector = 1;
inline constexpr std::uint8_t kEntrySelector = 2;

struct CaptureObject {
  std::uint16_t class_id = 0;
  Obis obis;
  std::int8_t attribute = 2;
  std::uint16_t data_index = 0;  // 0 = the whole attribute
  friend bool operator==(const CaptureObject&, const CaptureObject&) = default;
};

struct RangeDescriptor {
  CaptureObject restricting;  // e.g. {8, 0-0:1.0.0, 2, 0}
  Value from;                 // octet-string(12) date-time when restricting on the clock
  Value to;
  std::vector<CaptureObject> selected_values;  // empty = all columns
  friend bool operator==(const RangeDescriptor&, const RangeDescriptor&) = default;
};

struct EntryDescriptor {
  std::uint32_t from_entry = 1;
  std::uint32_t to_entry = 1;
  std::uint16_t from_selected_value = 1;
  std::uint16_t to_selected_value = 0;  // 0 = up to the last column (safe: columns are known)
  friend bool operator==(const EntryDescriptor&, const EntryDescriptor&) = default;
};

Value encode_capture_object(const CaptureObject& c);
bridge::Result<CaptureObject, DataError> decode_capture_object(const Value& v);

SelectiveAccess make_range_access(const RangeDescriptor& range);
// Entry ranges the caller computed; to_entry must be an explicit entry number (>= from_entry).
SelectiveAccess make_entry_access(const EntryDescriptor& entries);

bridge::Result<RangeDescriptor, DataError> decode_range_descriptor(const Value& parameters);
bridge::Result<EntryDescriptor, DataError> decode_entry_descriptor(const Value& parameters);

}  // namespace dlms::cosem
