// A-XDR encoding and decoding of every DLMS data type. Over 400 lines because each type's
// encoder and decoder mirror each other and are fuzzed as a round-trip pair (fuzz_value);
// keeping them side by side is what keeps them in agreement.
#include "dlms/cosem/value.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace dlms::cosem {

std::string_view to_label(DataType t) {
  switch (t) {
    case DataType::null_data: return "null-data";
    case DataType::array: return "array";
    case DataType::structure: return "structure";
    case DataType::boolean: return "boolean";
    case DataType::bit_string: return "bit-string";
    case DataType::double_long: return "double-long";
    case DataType::double_long_unsigned: return "double-long-unsigned";
    case DataType::octet_string: return "octet-string";
    case DataType::visible_string: return "visible-string";
    case DataType::utf8_string: return "utf8-string";
    case DataType::bcd: return "bcd";
    case DataType::integer: return "integer";
    case DataType::long_signed: return "long";
    case DataType::unsigned_byte: return "unsigned";
    case DataType::long_unsigned: return "long-unsigned";
    case DataType::compact_array: return "compact-array";
    case DataType::long64: return "long64";
    case DataType::long64_unsigned: return "long64-unsigned";
    case DataType::enumeration: return "enum";
    case DataType::float32: return "float32";
    case DataType::float64: return "float64";
    case DataType::date_time: return "date-time";
    case DataType::date: return "date";
    case DataType::time: return "time";
  }
  return "unknown";
}

std::string_view to_label(DataError e) {
  switch (e) {
    case DataError::truncated: return "truncated";
    case DataError::unknown_tag: return "unknown_tag";
    case DataError::bad_length: return "bad_length";
    case DataError::too_deep: return "too_deep";
    case DataError::trailing_bytes: return "trailing_bytes";
    case DataError::bad_compact_array: return "bad_compact_array";
    case DataError::wrong_type: return "wrong_type";
  }
  return "unknown";
}

namespace {

struct TypeOf {
  DataType operator()(const Null&) const { return DataType::null_data; }
  DataType operator()(const Array&) const { return DataType::array; }
  DataType operator()(const Structure&) const { return DataType::structure; }
  DataType operator()(bool) const { return DataType::boolean; }
  DataType operator()(const BitString&) const { return DataType::bit_string; }
  DataType operator()(std::int32_t) const { return DataType::double_long; }
  DataType operator()(std::uint32_t) const { return DataType::double_long_unsigned; }
  DataType operator()(const OctetString&) const { return DataType::octet_string; }
  DataType operator()(const VisibleString&) const { return DataType::visible_string; }
  DataType operator()(const Utf8String&) const { return DataType::utf8_string; }
  DataType operator()(const Bcd&) const { return DataType::bcd; }
  DataType operator()(std::int8_t) const { return DataType::integer; }
  DataType operator()(std::int16_t) const { return DataType::long_signed; }
  DataType operator()(std::uint8_t) const { return DataType::unsigned_byte; }
  DataType operator()(std::uint16_t) const { return DataType::long_unsigned; }
  DataType operator()(const CompactArray&) const { return DataType::compact_array; }
  DataType operator()(std::int64_t) const { return DataType::long64; }
  DataType operator()(std::uint64_t) const { return DataType::long64_unsigned; }
  DataType operator()(const Enum&) const { return DataType::enumeration; }
  DataType operator()(float) const { return DataType::float32; }
  DataType operator()(double) const { return DataType::float64; }
  DataType operator()(const DateTime&) const { return DataType::date_time; }
  DataType operator()(const Date&) const { return DataType::date; }
  DataType operator()(const Time&) const { return DataType::time; }
};

template <class T>
void put_be(Bytes& out, T value) {
  using U = std::make_unsigned_t<T>;
  const U u = static_cast<U>(value);
  for (std::size_t i = sizeof(T); i-- > 0;) out.push_back(static_cast<std::uint8_t>(u >> (8 * i)));
}

void put_date(Bytes& out, const Date& d) {
  put_be<std::uint16_t>(out, d.year);
  out.push_back(d.month);
  out.push_back(d.day);
  out.push_back(d.weekday);
}
void put_time(Bytes& out, const Time& t) {
  out.push_back(t.hour);
  out.push_back(t.minute);
  out.push_back(t.second);
  out.push_back(t.hundredths);
}
void put_date_time(Bytes& out, const DateTime& dt) {
  put_date(out, dt.date);
  put_time(out, dt.time);
  put_be<std::int16_t>(out, dt.deviation);
  out.push_back(dt.status);
}

void encode_description(const TypeDescription& d, Bytes& out) {
  out.push_back(static_cast<std::uint8_t>(d.type));
  if (d.type == DataType::array) {
    put_be<std::uint16_t>(out, d.count);
    if (!d.children.empty()) encode_description(d.children.front(), out);
  } else if (d.type == DataType::structure) {
    encode_length(d.children.size(), out);
    for (const auto& c : d.children) encode_description(c, out);
  }
}

void encode_body(const Value& v, Bytes& out);

// Untagged element encoding inside compact-array contents.
void encode_untagged(const Value& v, Bytes& out) {
  if (auto* a = v.get_if<Array>()) {
    for (const auto& item : a->items) encode_untagged(item, out);
    return;
  }
  if (auto* s = v.get_if<Structure>()) {
    for (const auto& item : s->items) encode_untagged(item, out);
    return;
  }
  encode_body(v, out);
}

struct BodyEncoder {
  Bytes& out;
  void operator()(const Null&) const {}
  void operator()(const Array& a) const {
    encode_length(a.items.size(), out);
    for (const auto& item : a.items) encode_value(item, out);
  }
  void operator()(const Structure& s) const {
    encode_length(s.items.size(), out);
    for (const auto& item : s.items) encode_value(item, out);
  }
  void operator()(bool b) const { out.push_back(b ? 0x01 : 0x00); }
  void operator()(const BitString& b) const {
    encode_length(b.bit_count, out);
    const std::size_t n = (b.bit_count + 7) / 8;
    for (std::size_t i = 0; i < n; ++i) out.push_back(i < b.bytes.size() ? b.bytes[i] : 0);
  }
  void operator()(std::int32_t x) const { put_be(out, x); }
  void operator()(std::uint32_t x) const { put_be(out, x); }
  void operator()(const OctetString& s) const {
    encode_length(s.bytes.size(), out);
    out.insert(out.end(), s.bytes.begin(), s.bytes.end());
  }
  void operator()(const VisibleString& s) const {
    encode_length(s.text.size(), out);
    out.insert(out.end(), s.text.begin(), s.text.end());
  }
  void operator()(const Utf8String& s) const {
    encode_length(s.text.size(), out);
    out.insert(out.end(), s.text.begin(), s.text.end());
  }
  void operator()(const Bcd& b) const { out.push_back(b.value); }
  void operator()(std::int8_t x) const { put_be(out, x); }
  void operator()(std::int16_t x) const { put_be(out, x); }
  void operator()(std::uint8_t x) const { out.push_back(x); }
  void operator()(std::uint16_t x) const { put_be(out, x); }
  void operator()(const CompactArray& c) const {
    encode_description(c.element, out);
    Bytes contents;
    for (const auto& item : c.items) encode_untagged(item, contents);
    encode_length(contents.size(), out);
    out.insert(out.end(), contents.begin(), contents.end());
  }
  void operator()(std::int64_t x) const { put_be(out, x); }
  void operator()(std::uint64_t x) const { put_be(out, x); }
  void operator()(const Enum& e) const { out.push_back(e.value); }
  void operator()(float f) const { put_be(out, std::bit_cast<std::uint32_t>(f)); }
  void operator()(double d) const { put_be(out, std::bit_cast<std::uint64_t>(d)); }
  void operator()(const DateTime& dt) const { put_date_time(out, dt); }
  void operator()(const Date& d) const { put_date(out, d); }
  void operator()(const Time& t) const { put_time(out, t); }
};

void encode_body(const Value& v, Bytes& out) { std::visit(BodyEncoder{out}, v.v); }

// ------------------------------------------------------------------------------------------
// Decoding

class Reader {
 public:
  Reader(ByteSpan in, std::size_t& offset) : in_(in), off_(offset) {}

  bool has(std::size_t n) const { return off_ <= in_.size() && in_.size() - off_ >= n; }
  std::size_t remaining() const { return off_ <= in_.size() ? in_.size() - off_ : 0; }
  std::uint8_t byte() { return in_[off_++]; }
  template <class T>
  T be() {
    using U = std::make_unsigned_t<T>;
    U u = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) u = static_cast<U>((u << 8) | in_[off_++]);
    return static_cast<T>(u);
  }
  const std::uint8_t* here() const { return in_.data() + off_; }
  void skip(std::size_t n) { off_ += n; }
  ByteSpan in() const { return in_; }
  std::size_t& offset() { return off_; }

 private:
  ByteSpan in_;
  std::size_t& off_;
};

using R = bridge::Result<Value, DataError>;

bridge::Result<std::size_t, DataError> read_length(Reader& r) {
  if (!r.has(1)) return bridge::fail(DataError::truncated);
  const std::uint8_t first = r.byte();
  if (first < 0x80) return std::size_t{first};
  const std::size_t n = first & 0x7FU;
  if (n == 0 || n > 4) return bridge::fail(DataError::bad_length);
  if (!r.has(n)) return bridge::fail(DataError::truncated);
  std::size_t len = 0;
  for (std::size_t i = 0; i < n; ++i) len = (len << 8) | r.byte();
  return len;
}

bool fixed_size(DataType t, std::size_t& size) {
  switch (t) {
    case DataType::boolean:
    case DataType::bcd:
    case DataType::integer:
    case DataType::unsigned_byte:
    case DataType::enumeration: size = 1; return true;
    case DataType::long_signed:
    case DataType::long_unsigned: size = 2; return true;
    case DataType::double_long:
    case DataType::double_long_unsigned:
    case DataType::float32:
    case DataType::time: size = 4; return true;
    case DataType::date: size = 5; return true;
    case DataType::long64:
    case DataType::long64_unsigned:
    case DataType::float64: size = 8; return true;
    case DataType::date_time: size = 12; return true;
    default: return false;
  }
}

bool known_tag(std::uint8_t tag) {
  switch (tag) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 9: case 10: case 12: case 13:
    case 15: case 16: case 17: case 18: case 19: case 20: case 21: case 22: case 23: case 24:
    case 25: case 26: case 27:
      return true;
    default:
      return false;
  }
}

Date read_date(Reader& r) {
  Date d;
  d.year = r.be<std::uint16_t>();
  d.month = r.byte();
  d.day = r.byte();
  d.weekday = r.byte();
  return d;
}
Time read_time(Reader& r) {
  Time t;
  t.hour = r.byte();
  t.minute = r.byte();
  t.second = r.byte();
  t.hundredths = r.byte();
  return t;
}

R read_body(DataType type, Reader& r, int depth);
R read_value(Reader& r, int depth);

// A fixed-size or length-prefixed simple value (no tag).
R read_simple(DataType type, Reader& r) {
  std::size_t size = 0;
  if (fixed_size(type, size)) {
    if (!r.has(size)) return bridge::fail(DataError::truncated);
    switch (type) {
      case DataType::boolean: return Value(r.byte() != 0);
      case DataType::bcd: return Value(Bcd{r.byte()});
      case DataType::integer: return Value(r.be<std::int8_t>());
      case DataType::unsigned_byte: return Value(r.byte());
      case DataType::enumeration: return Value(Enum{r.byte()});
      case DataType::long_signed: return Value(r.be<std::int16_t>());
      case DataType::long_unsigned: return Value(r.be<std::uint16_t>());
      case DataType::double_long: return Value(r.be<std::int32_t>());
      case DataType::double_long_unsigned: return Value(r.be<std::uint32_t>());
      case DataType::float32: return Value(std::bit_cast<float>(r.be<std::uint32_t>()));
      case DataType::time: return Value(read_time(r));
      case DataType::date: return Value(read_date(r));
      case DataType::long64: return Value(r.be<std::int64_t>());
      case DataType::long64_unsigned: return Value(r.be<std::uint64_t>());
      case DataType::float64: return Value(std::bit_cast<double>(r.be<std::uint64_t>()));
      case DataType::date_time: {
        DateTime dt;
        dt.date = read_date(r);
        dt.time = read_time(r);
        dt.deviation = r.be<std::int16_t>();
        dt.status = r.byte();
        return Value(dt);
      }
      default: break;
    }
  }
  switch (type) {
    case DataType::null_data: return Value(Null{});
    case DataType::bit_string: {
      auto bits = read_length(r);
      if (!bits) return bridge::fail(bits.error());
      const std::size_t n = (*bits + 7) / 8;
      if (!r.has(n)) return bridge::fail(DataError::truncated);
      BitString b{*bits, Bytes(r.here(), r.here() + n)};
      r.skip(n);
      return Value(std::move(b));
    }
    case DataType::octet_string:
    case DataType::visible_string:
    case DataType::utf8_string: {
      auto len = read_length(r);
      if (!len) return bridge::fail(len.error());
      if (!r.has(*len)) return bridge::fail(DataError::truncated);
      const auto* p = r.here();
      r.skip(*len);
      if (type == DataType::octet_string) return Value(OctetString{Bytes(p, p + *len)});
      std::string text(reinterpret_cast<const char*>(p), *len);
      if (type == DataType::visible_string) return Value(VisibleString{std::move(text)});
      return Value(Utf8String{std::move(text)});
    }
    default: return bridge::fail(DataError::unknown_tag);
  }
}

// The fewest bytes one untagged element of this description takes (saturating): a
// length-prefixed value takes at least its length byte, an array count times its element.
std::size_t min_encoded_size(const TypeDescription& d) {
  constexpr std::size_t kCap = std::size_t{1} << 32;
  std::size_t size = 0;
  if (fixed_size(d.type, size)) return size;
  if (d.type == DataType::array) return std::min(kCap, d.count * min_encoded_size(d.children.front()));
  if (d.type == DataType::structure) {
    for (const auto& c : d.children) size = std::min(kCap, size + min_encoded_size(c));
    return size;
  }
  return 1;
}

bridge::Result<TypeDescription, DataError> read_description(Reader& r, int depth) {
  if (depth > kMaxDepth) return bridge::fail(DataError::too_deep);
  if (!r.has(1)) return bridge::fail(DataError::truncated);
  const std::uint8_t tag = r.byte();
  if (!known_tag(tag) || tag == 0 || tag == static_cast<std::uint8_t>(DataType::compact_array)) {
    return bridge::fail(DataError::bad_compact_array);
  }
  TypeDescription d;
  d.type = static_cast<DataType>(tag);
  if (d.type == DataType::array) {
    if (!r.has(2)) return bridge::fail(DataError::truncated);
    d.count = r.be<std::uint16_t>();
    auto child = read_description(r, depth + 1);
    if (!child) return bridge::fail(child.error());
    // Elements that take no bytes (arrays of empty arrays) carry nothing, and nested they
    // would make a few bytes decode into billions of values (found by fuzz_get_response).
    if (d.count > 0 && min_encoded_size(*child) == 0) return bridge::fail(DataError::bad_compact_array);
    d.children.push_back(std::move(*child));
  } else if (d.type == DataType::structure) {
    auto n = read_length(r);
    if (!n) return bridge::fail(n.error());
    if (*n == 0 || *n > r.remaining()) return bridge::fail(DataError::bad_compact_array);
    for (std::size_t i = 0; i < *n; ++i) {
      auto child = read_description(r, depth + 1);
      if (!child) return bridge::fail(child.error());
      d.children.push_back(std::move(*child));
    }
  }
  return d;
}

R read_untagged(const TypeDescription& d, Reader& r, int depth) {
  if (depth > kMaxDepth) return bridge::fail(DataError::too_deep);
  if (d.type == DataType::array) {
    if (min_encoded_size(d) > r.remaining()) return bridge::fail(DataError::bad_compact_array);
    Array a;
    a.items.reserve(d.count);
    for (std::size_t i = 0; i < d.count; ++i) {
      auto item = read_untagged(d.children.front(), r, depth + 1);
      if (!item) return item;
      a.items.push_back(std::move(*item));
    }
    return Value(std::move(a));
  }
  if (d.type == DataType::structure) {
    Structure s;
    s.items.reserve(d.children.size());
    for (const auto& c : d.children) {
      auto item = read_untagged(c, r, depth + 1);
      if (!item) return item;
      s.items.push_back(std::move(*item));
    }
    return Value(std::move(s));
  }
  return read_simple(d.type, r);
}

R read_body(DataType type, Reader& r, int depth) {
  if (depth > kMaxDepth) return bridge::fail(DataError::too_deep);
  switch (type) {
    case DataType::array:
    case DataType::structure: {
      auto n = read_length(r);
      if (!n) return bridge::fail(n.error());
      if (*n > r.remaining()) return bridge::fail(DataError::bad_length);  // >= 1 byte per element
      std::vector<Value> items;
      items.reserve(*n);
      for (std::size_t i = 0; i < *n; ++i) {
        auto item = read_value(r, depth + 1);
        if (!item) return item;
        items.push_back(std::move(*item));
      }
      if (type == DataType::array) return Value(Array{std::move(items)});
      return Value(Structure{std::move(items)});
    }
    case DataType::compact_array: {
      auto desc = read_description(r, depth + 1);
      if (!desc) return bridge::fail(desc.error());
      auto len = read_length(r);
      if (!len) return bridge::fail(len.error());
      if (!r.has(*len)) return bridge::fail(DataError::truncated);
      std::size_t inner_offset = 0;
      const ByteSpan contents(r.here(), *len);
      r.skip(*len);
      Reader inner(contents, inner_offset);
      CompactArray c;
      c.element = std::move(*desc);
      while (inner.remaining() > 0) {
        const std::size_t before = inner_offset;
        auto item = read_untagged(c.element, inner, depth + 1);
        if (!item) return bridge::fail(item.error() == DataError::truncated ? DataError::bad_compact_array : item.error());
        if (inner_offset == before) return bridge::fail(DataError::bad_compact_array);
        c.items.push_back(std::move(*item));
      }
      return Value(std::move(c));
    }
    default: return read_simple(type, r);
  }
}

R read_value(Reader& r, int depth) {
  if (depth > kMaxDepth) return bridge::fail(DataError::too_deep);
  if (!r.has(1)) return bridge::fail(DataError::truncated);
  const std::uint8_t tag = r.byte();
  if (!known_tag(tag)) return bridge::fail(DataError::unknown_tag);
  return read_body(static_cast<DataType>(tag), r, depth);
}

}  // namespace

DataType Value::type() const { return std::visit(TypeOf{}, v); }

std::optional<std::int64_t> to_integer(const Value& value) {
  return std::visit(
      [](const auto& x) -> std::optional<std::int64_t> {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) {
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, std::uint64_t>) {
          if (x > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
          return static_cast<std::int64_t>(x);
        } else if constexpr (std::is_integral_v<T>) {
          return static_cast<std::int64_t>(x);
        } else if constexpr (std::is_same_v<T, Enum> || std::is_same_v<T, Bcd>) {
          return static_cast<std::int64_t>(x.value);
        } else {
          return std::nullopt;
        }
      },
      value.v);
}

std::optional<double> to_number(const Value& value) {
  return std::visit(
      [](const auto& x) -> std::optional<double> {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) {
          return x ? 1.0 : 0.0;
        } else if constexpr (std::is_arithmetic_v<T>) {
          return static_cast<double>(x);
        } else if constexpr (std::is_same_v<T, Enum> || std::is_same_v<T, Bcd>) {
          return static_cast<double>(x.value);
        } else {
          return std::nullopt;
        }
      },
      value.v);
}

void encode_length(std::size_t length, Bytes& out) {
  if (length < 0x80) {
    out.push_back(static_cast<std::uint8_t>(length));
    return;
  }
  std::size_t n = 0;
  for (std::size_t l = length; l != 0; l >>= 8) ++n;
  out.push_back(static_cast<std::uint8_t>(0x80 | n));
  for (std::size_t i = n; i-- > 0;) out.push_back(static_cast<std::uint8_t>(length >> (8 * i)));
}

void encode_value(const Value& v, Bytes& out) {
  out.push_back(static_cast<std::uint8_t>(v.type()));
  encode_body(v, out);
}

Bytes encode_value(const Value& v) {
  Bytes out;
  encode_value(v, out);
  return out;
}

bridge::Result<Value, DataError> decode_value(ByteSpan in, std::size_t& offset) {
  std::size_t off = offset;
  Reader r(in, off);
  auto v = read_value(r, 0);
  if (v) offset = off;
  return v;
}

bridge::Result<Value, DataError> decode_value_exact(ByteSpan in) {
  std::size_t offset = 0;
  auto v = decode_value(in, offset);
  if (!v) return v;
  if (offset != in.size()) return bridge::fail(DataError::trailing_bytes);
  return v;
}

bridge::Result<std::size_t, DataError> decode_length(ByteSpan in, std::size_t& offset) {
  std::size_t off = offset;
  Reader r(in, off);
  auto len = read_length(r);
  if (len) offset = off;
  return len;
}

bridge::Result<DateTime, DataError> decode_date_time(ByteSpan twelve_bytes) {
  if (twelve_bytes.size() != 12) return bridge::fail(DataError::bad_length);
  std::size_t offset = 0;
  Reader r(twelve_bytes, offset);
  auto v = read_simple(DataType::date_time, r);
  if (!v) return bridge::fail(v.error());
  return *v->get_if<DateTime>();
}

Bytes encode_date_time(const DateTime& dt) {
  Bytes out;
  put_date_time(out, dt);
  return out;
}

}  // namespace dlms::cosem
