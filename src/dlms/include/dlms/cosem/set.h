#pragma once
// SET service, normal form (IEC 62056-5-3, docs/protocol.md 1.21), both roles:
//   SET-Request-Normal   C1 01 <invoke> <class:2> <obis:6> <attr> <00 | 01 selector Data> <Data>
//   SET-Response-Normal  C5 01 <invoke> <data-access-result>
// The vendor guide's clock example: C1 01 81 00 08 00 00 01 00 00 FF 02 00 09 0C <date-time>
// answered by C5 01 81 00 (success). Block transfer (SET with datablock) is not implemented:
// the attributes the bridge writes (the clock) fit one APDU.
#include <cstdint>
#include <variant>

#include "bridge/result.h"
#include "dlms/bytes.h"
#include "dlms/cosem/apdu.h"
#include "dlms/cosem/get.h"
#include "dlms/cosem/value.h"

namespace dlms::cosem {

struct SetRequestNormal {
  std::uint8_t invoke = make_invoke(1);
  AttributeDescriptor attribute;
  Value value;
  friend bool operator==(const SetRequestNormal&, const SetRequestNormal&) = default;
};

struct SetResponseNormal {
  std::uint8_t invoke = make_invoke(1);
  DataAccessResult result = DataAccessResult::success;
  friend bool operator==(const SetResponseNormal&, const SetResponseNormal&) = default;
};

Bytes encode_set_request(const SetRequestNormal& request);
// Other SET-Request choices (with-first-datablock 02, with-datablock 03, with-list 04/05) are
// `unsupported`, which a server answers as not supported.
bridge::Result<SetRequestNormal, ApduError> decode_set_request(ByteSpan apdu);
Bytes encode_set_response(const SetResponseNormal& response);
bridge::Result<SetResponseNormal, ApduError> decode_set_response(ByteSpan apdu);

}  // namespace dlms::cosem
