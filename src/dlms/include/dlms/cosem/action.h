#pragma once
// ACTION service, normal form (IEC 62056-5-3, docs/protocol.md 1.22), both roles. The bridge
// invokes one method: reply_to_HLS_authentication (Association LN 0-0:40.0.0.255, class 15,
// method 1) in pass 3 of HLS-GMAC.
//   ACTION-Request-Normal   C3 01 <invoke> <class:2> <obis:6> <method> (00 | 01 Data)
//   ACTION-Response-Normal  C7 01 <invoke> <action-result> (00 | 01 (00 Data | 01 <dar>))
#include <cstdint>
#include <optional>

#include "bridge/result.h"
#include "dlms/bytes.h"
#include "dlms/cosem/apdu.h"
#include "dlms/cosem/get.h"
#include "dlms/cosem/obis.h"
#include "dlms/cosem/value.h"

namespace dlms::cosem {

struct MethodDescriptor {
  std::uint16_t class_id = 15;
  Obis obis;
  std::int8_t method = 1;
  friend bool operator==(const MethodDescriptor&, const MethodDescriptor&) = default;
};

struct ActionRequestNormal {
  std::uint8_t invoke = make_invoke(1);
  MethodDescriptor method;
  std::optional<Value> parameters;
  friend bool operator==(const ActionRequestNormal&, const ActionRequestNormal&) = default;
};

struct ActionResponseNormal {
  std::uint8_t invoke = make_invoke(1);
  std::uint8_t result = 0;            // action-result: 0 success, 3 read-write-denied, 250 other-reason, ...
  std::optional<GetDataResult> data;  // return-parameters
  friend bool operator==(const ActionResponseNormal&, const ActionResponseNormal&) = default;
};

Bytes encode_action_request(const ActionRequestNormal& request);
// Other ACTION-Request choices (next, with-list, with-datablock) are `unsupported`.
bridge::Result<ActionRequestNormal, ApduError> decode_action_request(ByteSpan apdu);
Bytes encode_action_response(const ActionResponseNormal& response);
bridge::Result<ActionResponseNormal, ApduError> decode_action_response(ByteSpan apdu);

}  // namespace dlms::cosem
