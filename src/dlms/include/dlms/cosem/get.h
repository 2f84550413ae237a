#pragma once
// GET service APDUs (IEC 62056-5-3, docs/protocol.md 1.8), encoders and decoders for both roles.
//   GET-Request-Normal          C0 01 <invoke> <class:2> <obis:6> <attr> <00 | 01 selector Data>
//   GET-Request-Next            C0 02 <invoke> <block-number:4>
//   GET-Request-With-List       C0 03 <invoke> <count> { <class:2> <obis:6> <attr> <access> }
//   GET-Response-Normal         C4 01 <invoke> (00 Data | 01 <data-access-result>)
//   GET-Response-With-Datablock C4 02 <invoke> <last> <block-number:4> (00 <len> raw | 01 <dar>)
//   GET-Response-With-List      C4 03 <invoke> <count> { 00 Data | 01 <dar> }
// invoke-id-and-priority: bits 0..3 invoke-id, bit 6 service-class (1 confirmed), bit 7 priority
// (1 high). Requests use make_invoke(id) = 0xC0 | (id & 0x0F) and responses are matched on the
// low 4 bits (the previous system sent a raw 8-bit counter, [BUG] docs/protocol.md 1.8).
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "bridge/result.h"
#include "dlms/bytes.h"
#include "dlms/cosem/apdu.h"
#include "dlms/cosem/obis.h"
#include "dlms/cosem/value.h"

namespace dlms::cosem {

inline constexpr std::uint8_t kInvokeIdMask = 0x0F;
inline constexpr std::uint8_t kPriorityHigh = 0x80;
inline constexpr std::uint8_t kServiceConfirmed = 0x40;
constexpr std::uint8_t make_invoke(std::uint8_t id, std::uint8_t flags = kPriorityHigh | kServiceConfirmed) {
  return static_cast<std::uint8_t>(flags | (id & kInvokeIdMask));
}
constexpr std::uint8_t invoke_id(std::uint8_t invoke_byte) { return invoke_byte & kInvokeIdMask; }

enum class DataAccessResult : std::uint8_t {
  success = 0,
  hardware_fault = 1,
  temporary_failure = 2,
  read_write_denied = 3,
  object_undefined = 4,
  object_class_inconsistent = 9,
  object_unavailable = 11,
  type_unmatched = 12,
  scope_of_access_violated = 13,
  data_block_unavailable = 14,
  long_get_aborted = 15,
  no_long_get_in_progress = 16,
  long_set_aborted = 17,
  no_long_set_in_progress = 18,
  data_block_number_invalid = 19,
  other_reason = 250,
};
// "object_undefined", "read_write_denied", ...; "unknown" for values not in the table.
std::string_view to_label(DataAccessResult r);

struct SelectiveAccess {
  std::uint8_t selector = 1;
  Value parameters;
  friend bool operator==(const SelectiveAccess&, const SelectiveAccess&) = default;
};

struct AttributeDescriptor {
  std::uint16_t class_id = 3;
  Obis obis;
  std::int8_t attribute = 2;
  std::optional<SelectiveAccess> access;
  friend bool operator==(const AttributeDescriptor&, const AttributeDescriptor&) = default;
};

struct GetRequestNormal {
  std::uint8_t invoke = make_invoke(1);
  AttributeDescriptor attribute;
  friend bool operator==(const GetRequestNormal&, const GetRequestNormal&) = default;
};
struct GetRequestNext {
  std::uint8_t invoke = make_invoke(1);
  std::uint32_t block_number = 1;  // the last block received
  friend bool operator==(const GetRequestNext&, const GetRequestNext&) = default;
};
struct GetRequestWithList {
  std::uint8_t invoke = make_invoke(1);
  std::vector<AttributeDescriptor> attributes;
  friend bool operator==(const GetRequestWithList&, const GetRequestWithList&) = default;
};
using GetRequest = std::variant<GetRequestNormal, GetRequestNext, GetRequestWithList>;

using GetDataResult = std::variant<Value, DataAccessResult>;

struct GetResponseNormal {
  std::uint8_t invoke = make_invoke(1);
  GetDataResult result;
  friend bool operator==(const GetResponseNormal&, const GetResponseNormal&) = default;
};
struct GetResponseWithDatablock {
  std::uint8_t invoke = make_invoke(1);
  bool last_block = false;
  std::uint32_t block_number = 1;
  std::variant<Bytes, DataAccessResult> result;  // raw-data (part of the A-XDR encoding) or error
  friend bool operator==(const GetResponseWithDatablock&, const GetResponseWithDatablock&) = default;
};
struct GetResponseWithList {
  std::uint8_t invoke = make_invoke(1);
  std::vector<GetDataResult> results;
  friend bool operator==(const GetResponseWithList&, const GetResponseWithList&) = default;
};
using GetResponse = std::variant<GetResponseNormal, GetResponseWithDatablock, GetResponseWithList>;

// cosem-attribute-descriptor with its access-selection, as GET and SET requests carry it.
void encode_attribute_descriptor(const AttributeDescriptor& d, Bytes& out);
bridge::Result<AttributeDescriptor, ApduError> decode_attribute_descriptor(ByteSpan in, std::size_t& offset);

Bytes encode_get_request(const GetRequest& request);
bridge::Result<GetRequest, ApduError> decode_get_request(ByteSpan apdu);
Bytes encode_get_response(const GetResponse& response);
// Strict by default: bytes after the APDU are trailing_bytes. With `trailing`, a
// GET-Response-Normal whose Data is complete but followed by extra bytes decodes, and
// *trailing is how many bytes were ignored (0 when none).
bridge::Result<GetResponse, ApduError> decode_get_response(ByteSpan apdu, std::size_t* trailing = nullptr);

// Block transfer (server side): splits the A-XDR encoding of `result` into GET responses whose
// APDU is at most `max_apdu` bytes. One GetResponseNormal when it fits, else numbered
// GetResponseWithDatablock parts (block 1..n, last_block on the final one).
std::vector<GetResponse> split_get_response(std::uint8_t invoke, const Value& result, std::size_t max_apdu);

// Decodes the result list carried by reassembled With-List block data: <count> { 00 Data | 01 dar }.
bridge::Result<std::vector<GetDataResult>, ApduError> decode_get_data_results(ByteSpan raw);

}  // namespace dlms::cosem
