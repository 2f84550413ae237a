#pragma once
// A-XDR Data (IEC 62056-6-2 / Blue Book "Data" CHOICE): a std::variant-based value tree with
// encode and decode of every simple and structured type. Decoding never reads out of bounds:
// truncated or malformed input is a DataError, nesting is limited to kMaxDepth, and element
// counts are checked against the remaining bytes before anything is allocated.
//
// Type tags (decimal): 0 null-data, 1 array, 2 structure, 3 boolean, 4 bit-string,
// 5 double-long (int32), 6 double-long-unsigned (uint32), 9 octet-string, 10 visible-string,
// 12 utf8-string, 13 bcd, 15 integer (int8), 16 long (int16), 17 unsigned (uint8),
// 18 long-unsigned (uint16), 19 compact-array, 20 long64 (int64), 21 long64-unsigned (uint64),
// 22 enum, 23 float32, 24 float64, 25 date-time, 26 date, 27 time. Lengths and counts use the
// A-XDR/BER length form (one byte < 128, else 0x81..0x84 + big-endian length).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bridge/result.h"
#include "dlms/bytes.h"

namespace dlms::cosem {

enum class DataType : std::uint8_t {
  null_data = 0,
  array = 1,
  structure = 2,
  boolean = 3,
  bit_string = 4,
  double_long = 5,
  double_long_unsigned = 6,
  octet_string = 9,
  visible_string = 10,
  utf8_string = 12,
  bcd = 13,
  integer = 15,
  long_signed = 16,
  unsigned_byte = 17,
  long_unsigned = 18,
  compact_array = 19,
  long64 = 20,
  long64_unsigned = 21,
  enumeration = 22,
  float32 = 23,
  float64 = 24,
  date_time = 25,
  date = 26,
  time = 27,
};
std::string_view to_label(DataType t);

enum class DataError : std::uint8_t {
  truncated,          // input ended inside a value
  unknown_tag,        // not a Data type tag
  bad_length,         // length form invalid or larger than the input
  too_deep,           // nesting deeper than kMaxDepth
  trailing_bytes,     // decode_value_exact: bytes after the value
  bad_compact_array,  // type description / contents inconsistent
  wrong_type,         // a helper expected another type (e.g. scaler_unit)
};
std::string_view to_label(DataError e);

inline constexpr int kMaxDepth = 16;

struct Value;

struct Null {
  friend bool operator==(const Null&, const Null&) = default;
};
struct Array {
  std::vector<Value> items;
  friend bool operator==(const Array&, const Array&) = default;
};
struct Structure {
  std::vector<Value> items;
  friend bool operator==(const Structure&, const Structure&) = default;
};
struct BitString {
  std::size_t bit_count = 0;
  Bytes bytes;  // bit 0 is the MSB of bytes[0]
  friend bool operator==(const BitString&, const BitString&) = default;
};
struct OctetString {
  Bytes bytes;
  friend bool operator==(const OctetString&, const OctetString&) = default;
};
struct VisibleString {
  std::string text;
  friend bool operator==(const VisibleString&, const VisibleString&) = default;
};
struct Utf8String {
  std::string text;
  friend bool operator==(const Utf8String&, const Utf8String&) = default;
};
struct Bcd {
  std::uint8_t value = 0;
  friend bool operator==(const Bcd&, const Bcd&) = default;
};
struct Enum {
  std::uint8_t value = 0;
  friend bool operator==(const Enum&, const Enum&) = default;
};
// Blue Book date/time fields; 0xFF (0xFFFF for year) means "not specified", deviation 0x8000
// means "not specified", in minutes.
struct Date {
  std::uint16_t year = 0xFFFF;
  std::uint8_t month = 0xFF;
  std::uint8_t day = 0xFF;
  std::uint8_t weekday = 0xFF;
  friend bool operator==(const Date&, const Date&) = default;
};
struct Time {
  std::uint8_t hour = 0xFF;
  std::uint8_t minute = 0xFF;
  std::uint8_t second = 0xFF;
  std::uint8_t hundredths = 0xFF;
  friend bool operator==(const Time&, const Time&) = default;
};
struct DateTime {
  Date date;
  Time time;
  std::int16_t deviation = static_cast<std::int16_t>(0x8000);
  std::uint8_t status = 0xFF;
  friend bool operator==(const DateTime&, const DateTime&) = default;
};
// Type description of a compact-array: a simple type, array{count, element}, or structure{fields}.
struct TypeDescription {
  DataType type = DataType::null_data;
  std::uint16_t count = 0;                // array: number of elements
  std::vector<TypeDescription> children;  // array: 1 element description; structure: fields
  friend bool operator==(const TypeDescription&, const TypeDescription&) = default;
};
struct CompactArray {
  TypeDescription element;   // description of each element
  std::vector<Value> items;  // decoded elements
  friend bool operator==(const CompactArray&, const CompactArray&) = default;
};

struct Value {
  using Variant = std::variant<Null, Array, Structure, bool, BitString, std::int32_t, std::uint32_t, OctetString,
                               VisibleString, Utf8String, Bcd, std::int8_t, std::int16_t, std::uint8_t,
                               std::uint16_t, CompactArray, std::int64_t, std::uint64_t, Enum, float, double,
                               DateTime, Date, Time>;
  Variant v;

  Value() = default;
  template <class T>
    requires std::is_constructible_v<Variant, T&&> && (!std::is_same_v<std::remove_cvref_t<T>, Value>)
  Value(T&& x) : v(std::forward<T>(x)) {}  // NOLINT(google-explicit-constructor): values read as literals

  DataType type() const;
  template <class T>
  const T* get_if() const {
    return std::get_if<T>(&v);
  }
  friend bool operator==(const Value&, const Value&) = default;
};

// Numeric view of integer, enum, bcd, boolean and float values (registers); nullopt otherwise.
std::optional<double> to_number(const Value& v);
// Exact integer view of integer types, enum and bcd; nullopt for others and out-of-range uint64.
std::optional<std::int64_t> to_integer(const Value& v);

// Encoding.
void encode_value(const Value& v, Bytes& out);
Bytes encode_value(const Value& v);
void encode_length(std::size_t length, Bytes& out);

// Decoding: reads one value at `offset` and advances it.
bridge::Result<Value, DataError> decode_value(ByteSpan in, std::size_t& offset);
// Exactly one value, no trailing bytes.
bridge::Result<Value, DataError> decode_value_exact(ByteSpan in);
bridge::Result<std::size_t, DataError> decode_length(ByteSpan in, std::size_t& offset);

// octet-string(12) date-time interpretation (the Clock attribute 2 encoding) and back.
bridge::Result<DateTime, DataError> decode_date_time(ByteSpan twelve_bytes);
Bytes encode_date_time(const DateTime& dt);

}  // namespace dlms::cosem
