// Profile Generic: selective-access parameters and buffer decoding from arbitrary A-XDR. A
// decoded descriptor re-encodes to the same Data; buffer entry times never read out of bounds.
#include <cstdint>
#include <cstdlib>

#include "dlms/cosem/profile_generic.h"
#include "dlms/cosem/selective_access.h"

namespace {
// Same Data on the wire. Not Value's ==: a float64 NaN (found by CI's smoke run in a range
// descriptor's bound) re-encodes to the same bytes but never compares equal to itself.
bool same_data(const dlms::cosem::Value& a, const dlms::cosem::Value& b) {
  return dlms::cosem::encode_value(a) == dlms::cosem::encode_value(b);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dlms::cosem;
  std::size_t offset = 0;
  auto v = decode_value(dlms::ByteSpan(data, size), offset);
  if (!v) return 0;
  if (auto range = decode_range_descriptor(*v)) {
    if (!same_data(make_range_access(*range).parameters, *v)) std::abort();
  }
  if (auto entries = decode_entry_descriptor(*v)) {
    if (!same_data(make_entry_access(*entries).parameters, *v)) std::abort();
  }
  if (auto columns = decode_capture_objects(*v)) {
    Array again;
    for (const auto& c : *columns) again.items.push_back(encode_capture_object(c));
    if (!same_data(Value(again), *v)) std::abort();
  }
  // The buffer: as many columns as the first entry has, the clock assumed in column 0.
  if (const auto* list = v->get_if<Array>(); list && !list->items.empty()) {
    if (const auto* first = list->items.front().get_if<Structure>()) {
      if (auto rows = decode_buffer(*v, first->items.size())) {
        if (rows->size() != list->items.size()) std::abort();
        if (!first->items.empty()) {
          if (auto times = entry_times(*rows, 0, 900)) {
            if (times->size() != rows->size()) std::abort();
          }
        }
      }
    }
  }
  return 0;
}
