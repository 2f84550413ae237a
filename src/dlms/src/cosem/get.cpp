#include "dlms/cosem/get.h"

#include <algorithm>

#include "byte_cursor.h"

namespace dlms::cosem {

std::string_view to_label(DataAccessResult r) {
  switch (r) {
    case DataAccessResult::success: return "success";
    case DataAccessResult::hardware_fault: return "hardware_fault";
    case DataAccessResult::temporary_failure: return "temporary_failure";
    case DataAccessResult::read_write_denied: return "read_write_denied";
    case DataAccessResult::object_undefined: return "object_undefined";
    case DataAccessResult::object_class_inconsistent: return "object_class_inconsistent";
    case DataAccessResult::object_unavailable: return "object_unavailable";
    case DataAccessResult::type_unmatched: return "type_unmatched";
    case DataAccessResult::scope_of_access_violated: return "scope_of_access_violated";
    case DataAccessResult::data_block_unavailable: return "data_block_unavailable";
    case DataAccessResult::long_get_aborted: return "long_get_aborted";
    case DataAccessResult::no_long_get_in_progress: return "no_long_get_in_progress";
    case DataAccessResult::long_set_aborted: return "long_set_aborted";
    case DataAccessResult::no_long_set_in_progress: return "no_long_set_in_progress";
    case DataAccessResult::data_block_number_invalid: return "data_block_number_invalid";
    case DataAccessResult::other_reason: return "other_reason";
  }
  return "unknown";
}

namespace {

void put16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
void put32(Bytes& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void put_descriptor(Bytes& out, const AttributeDescriptor& d) {
  put16(out, d.class_id);
  out.insert(out.end(), d.obis.bytes.begin(), d.obis.bytes.end());
  out.push_back(static_cast<std::uint8_t>(d.attribute));
  if (d.access) {
    out.push_back(0x01);
    out.push_back(d.access->selector);
    encode_value(d.access->parameters, out);
  } else {
    out.push_back(0x00);
  }
}

void put_result(Bytes& out, const GetDataResult& r) {
  if (auto* v = std::get_if<Value>(&r)) {
    out.push_back(0x00);
    encode_value(*v, out);
  } else {
    out.push_back(0x01);
    out.push_back(static_cast<std::uint8_t>(std::get<DataAccessResult>(r)));
  }
}

bridge::Result<AttributeDescriptor, ApduError> read_descriptor(ByteCursor& c) {
  if (!c.has(10)) return bridge::fail(ApduError::truncated);
  AttributeDescriptor d;
  d.class_id = c.u16();
  for (auto& b : d.obis.bytes) b = c.u8();
  d.attribute = static_cast<std::int8_t>(c.u8());
  const std::uint8_t has_access = c.u8();
  if (has_access > 1) return bridge::fail(ApduError::bad_value);
  if (has_access == 1) {
    if (!c.has(1)) return bridge::fail(ApduError::truncated);
    SelectiveAccess a;
    a.selector = c.u8();
    auto v = decode_value(c.in(), c.pos());
    if (!v) return bridge::fail(ApduError::bad_data);
    a.parameters = std::move(*v);
    d.access = std::move(a);
  }
  return d;
}

}  // namespace

void encode_attribute_descriptor(const AttributeDescriptor& d, Bytes& out) { put_descriptor(out, d); }

bridge::Result<AttributeDescriptor, ApduError> decode_attribute_descriptor(ByteSpan in, std::size_t& offset) {
  if (offset > in.size()) return bridge::fail(ApduError::truncated);
  ByteCursor c(in);
  c.pos() = offset;
  auto d = read_descriptor(c);
  if (d) offset = c.pos();
  return d;
}

namespace {

bridge::Result<DataAccessResult, ApduError> read_dar(ByteCursor& c) {
  if (!c.has(1)) return bridge::fail(ApduError::truncated);
  return static_cast<DataAccessResult>(c.u8());
}

bridge::Result<GetDataResult, ApduError> read_result(ByteCursor& c) {
  if (!c.has(1)) return bridge::fail(ApduError::truncated);
  const std::uint8_t choice = c.u8();
  if (choice == 0x00) {
    auto v = decode_value(c.in(), c.pos());
    if (!v) return bridge::fail(v.error() == DataError::truncated ? ApduError::truncated : ApduError::bad_data);
    return GetDataResult{std::move(*v)};
  }
  if (choice == 0x01) {
    auto d = read_dar(c);
    if (!d) return bridge::fail(d.error());
    return GetDataResult{*d};
  }
  return bridge::fail(ApduError::bad_value);
}

bridge::Result<std::size_t, ApduError> read_count(ByteCursor& c) {
  auto n = decode_length(c.in(), c.pos());
  if (!n) return bridge::fail(n.error() == DataError::truncated ? ApduError::truncated : ApduError::bad_length);
  if (*n > c.remaining()) return bridge::fail(ApduError::bad_length);  // every element takes >= 1 byte
  return *n;
}

}  // namespace

Bytes encode_get_request(const GetRequest& request) {
  Bytes out{tag::kGetRequest};
  if (auto* n = std::get_if<GetRequestNormal>(&request)) {
    out.push_back(0x01);
    out.push_back(n->invoke);
    put_descriptor(out, n->attribute);
  } else if (auto* next = std::get_if<GetRequestNext>(&request)) {
    out.push_back(0x02);
    out.push_back(next->invoke);
    put32(out, next->block_number);
  } else {
    const auto& list = std::get<GetRequestWithList>(request);
    out.push_back(0x03);
    out.push_back(list.invoke);
    encode_length(list.attributes.size(), out);
    for (const auto& d : list.attributes) put_descriptor(out, d);
  }
  return out;
}

bridge::Result<GetRequest, ApduError> decode_get_request(ByteSpan apdu) {
  ByteCursor c(apdu);
  if (!c.has(1)) return bridge::fail(ApduError::truncated);
  if (c.u8() != tag::kGetRequest) return bridge::fail(ApduError::unexpected_tag);
  if (!c.has(2)) return bridge::fail(ApduError::truncated);
  const std::uint8_t choice = c.u8();
  const std::uint8_t invoke = c.u8();
  GetRequest out;
  switch (choice) {
    case 0x01: {
      auto d = read_descriptor(c);
      if (!d) return bridge::fail(d.error());
      out = GetRequestNormal{invoke, std::move(*d)};
      break;
    }
    case 0x02:
      if (!c.has(4)) return bridge::fail(ApduError::truncated);
      out = GetRequestNext{invoke, c.u32()};
      break;
    case 0x03: {
      auto n = read_count(c);
      if (!n) return bridge::fail(n.error());
      GetRequestWithList list{invoke, {}};
      for (std::size_t i = 0; i < *n; ++i) {
        auto d = read_descriptor(c);
        if (!d) return bridge::fail(d.error());
        list.attributes.push_back(std::move(*d));
      }
      out = std::move(list);
      break;
    }
    default: return bridge::fail(ApduError::bad_value);
  }
  if (!c.done()) return bridge::fail(ApduError::trailing_bytes);
  return out;
}

Bytes encode_get_response(const GetResponse& response) {
  Bytes out{tag::kGetResponse};
  if (auto* n = std::get_if<GetResponseNormal>(&response)) {
    out.push_back(0x01);
    out.push_back(n->invoke);
    put_result(out, n->result);
  } else if (auto* b = std::get_if<GetResponseWithDatablock>(&response)) {
    out.push_back(0x02);
    out.push_back(b->invoke);
    out.push_back(b->last_block ? 0x01 : 0x00);
    put32(out, b->block_number);
    if (auto* raw = std::get_if<Bytes>(&b->result)) {
      out.push_back(0x00);
      encode_length(raw->size(), out);
      out.insert(out.end(), raw->begin(), raw->end());
    } else {
      out.push_back(0x01);
      out.push_back(static_cast<std::uint8_t>(std::get<DataAccessResult>(b->result)));
    }
  } else {
    const auto& list = std::get<GetResponseWithList>(response);
    out.push_back(0x03);
    out.push_back(list.invoke);
    encode_length(list.results.size(), out);
    for (const auto& r : list.results) put_result(out, r);
  }
  return out;
}

bridge::Result<GetResponse, ApduError> decode_get_response(ByteSpan apdu, std::size_t* trailing) {
  if (trailing) *trailing = 0;
  ByteCursor c(apdu);
  if (!c.has(1)) return bridge::fail(ApduError::truncated);
  if (c.u8() != tag::kGetResponse) return bridge::fail(ApduError::unexpected_tag);
  if (!c.has(2)) return bridge::fail(ApduError::truncated);
  const std::uint8_t choice = c.u8();
  const std::uint8_t invoke = c.u8();
  GetResponse out;
  switch (choice) {
    case 0x01: {
      auto r = read_result(c);
      if (!r) return bridge::fail(r.error());
      out = GetResponseNormal{invoke, std::move(*r)};
      break;
    }
    case 0x02: {
      if (!c.has(6)) return bridge::fail(ApduError::truncated);
      GetResponseWithDatablock b;
      b.invoke = invoke;
      const std::uint8_t last = c.u8();
      if (last > 1) return bridge::fail(ApduError::bad_value);
      b.last_block = last == 1;
      b.block_number = c.u32();
      const std::uint8_t kind = c.u8();
      if (kind == 0x00) {
        auto len = decode_length(c.in(), c.pos());
        if (!len) return bridge::fail(len.error() == DataError::truncated ? ApduError::truncated : ApduError::bad_length);
        if (*len > c.remaining()) return bridge::fail(ApduError::truncated);
        const auto begin = apdu.begin() + static_cast<std::ptrdiff_t>(c.pos());
        b.result = Bytes(begin, begin + static_cast<std::ptrdiff_t>(*len));
        c.pos() += *len;
      } else if (kind == 0x01) {
        auto d = read_dar(c);
        if (!d) return bridge::fail(d.error());
        b.result = *d;
      } else {
        return bridge::fail(ApduError::bad_value);
      }
      out = std::move(b);
      break;
    }
    case 0x03: {
      auto n = read_count(c);
      if (!n) return bridge::fail(n.error());
      GetResponseWithList list{invoke, {}};
      for (std::size_t i = 0; i < *n; ++i) {
        auto r = read_result(c);
        if (!r) return bridge::fail(r.error());
        list.results.push_back(std::move(*r));
      }
      out = std::move(list);
      break;
    }
    default: return bridge::fail(ApduError::bad_value);
  }
  if (!c.done()) {
    // A complete value followed by extra bytes (a known server quirk on the clock): the value
    // is usable; the caller that asked for it counts the anomaly.
    const auto* normal = std::get_if<GetResponseNormal>(&out);
    if (!trailing || !normal || !std::holds_alternative<Value>(normal->result)) {
      return bridge::fail(ApduError::trailing_bytes);
    }
    *trailing = c.remaining();
  }
  return out;
}

std::vector<GetResponse> split_get_response(std::uint8_t invoke, const Value& result, std::size_t max_apdu) {
  std::vector<GetResponse> out;
  Bytes normal = encode_get_response(GetResponseNormal{invoke, result});
  if (normal.size() <= max_apdu) {
    out.emplace_back(GetResponseNormal{invoke, result});
    return out;
  }
  const Bytes data = encode_value(result);
  // Header: C4 02 invoke last block(4) 00 + length (up to 3 bytes for a 2-byte length).
  const std::size_t overhead = 3 + 1 + 4 + 1 + 3;
  const std::size_t chunk = max_apdu > overhead ? max_apdu - overhead : 1;
  std::uint32_t block = 1;
  for (std::size_t off = 0; off < data.size(); off += chunk, ++block) {
    const std::size_t n = std::min(chunk, data.size() - off);
    GetResponseWithDatablock b;
    b.invoke = invoke;
    b.block_number = block;
    b.last_block = off + n == data.size();
    b.result = Bytes(data.begin() + static_cast<std::ptrdiff_t>(off), data.begin() + static_cast<std::ptrdiff_t>(off + n));
    out.emplace_back(std::move(b));
  }
  return out;
}

bridge::Result<std::vector<GetDataResult>, ApduError> decode_get_data_results(ByteSpan raw) {
  ByteCursor c(raw);
  auto n = read_count(c);
  if (!n) return bridge::fail(n.error());
  std::vector<GetDataResult> results;
  for (std::size_t i = 0; i < *n; ++i) {
    auto r = read_result(c);
    if (!r) return bridge::fail(r.error());
    results.push_back(std::move(*r));
  }
  if (!c.done()) return bridge::fail(ApduError::trailing_bytes);
  return results;
}

}  // namespace dlms::cosem
