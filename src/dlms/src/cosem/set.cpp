#include "dlms/cosem/set.h"

namespace dlms::cosem {

namespace {
constexpr std::uint8_t kNormal = 0x01;
}  // namespace

Bytes encode_set_request(const SetRequestNormal& request) {
  Bytes out{tag::kSetRequest, kNormal, request.invoke};
  encode_attribute_descriptor(request.attribute, out);
  encode_value(request.value, out);
  return out;
}

bridge::Result<SetRequestNormal, ApduError> decode_set_request(ByteSpan apdu) {
  if (apdu.empty()) return bridge::fail(ApduError::truncated);
  if (apdu[0] != tag::kSetRequest) return bridge::fail(ApduError::unexpected_tag);
  if (apdu.size() < 3) return bridge::fail(ApduError::truncated);
  if (apdu[1] == 0 || apdu[1] > 5) return bridge::fail(ApduError::bad_value);
  if (apdu[1] != kNormal) return bridge::fail(ApduError::unsupported);
  SetRequestNormal request;
  request.invoke = apdu[2];
  std::size_t offset = 3;
  auto d = decode_attribute_descriptor(apdu, offset);
  if (!d) return bridge::fail(d.error());
  request.attribute = std::move(*d);
  auto v = decode_value(apdu, offset);
  if (!v) return bridge::fail(v.error() == DataError::truncated ? ApduError::truncated : ApduError::bad_data);
  request.value = std::move(*v);
  if (offset != apdu.size()) return bridge::fail(ApduError::trailing_bytes);
  return request;
}

Bytes encode_set_response(const SetResponseNormal& response) {
  return Bytes{tag::kSetResponse, kNormal, response.invoke, static_cast<std::uint8_t>(response.result)};
}

bridge::Result<SetResponseNormal, ApduError> decode_set_response(ByteSpan apdu) {
  if (apdu.empty()) return bridge::fail(ApduError::truncated);
  if (apdu[0] != tag::kSetResponse) return bridge::fail(ApduError::unexpected_tag);
  if (apdu.size() < 4) return bridge::fail(ApduError::truncated);
  if (apdu[1] == 0 || apdu[1] > 5) return bridge::fail(ApduError::bad_value);
  if (apdu[1] != kNormal) return bridge::fail(ApduError::unsupported);
  if (apdu.size() > 4) return bridge::fail(ApduError::trailing_bytes);
  return SetResponseNormal{apdu[2], static_cast<DataAccessResult>(apdu[3])};
}

}  // namespace dlms::cosem
