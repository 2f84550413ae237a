#include "dlms/cosem/action.h"

#include "dlms/cosem/ciphered.h"

namespace dlms::cosem {

namespace {
constexpr std::uint8_t kNormal = 0x01;

ApduError data_error(DataError e) { return e == DataError::truncated ? ApduError::truncated : ApduError::bad_data; }
}  // namespace

Bytes encode_action_request(const ActionRequestNormal& request) {
  Bytes out;
  out.reserve(16);
  out.push_back(tag::kActionRequest);
  out.push_back(kNormal);
  out.push_back(request.invoke);
  out.push_back(static_cast<std::uint8_t>(request.method.class_id >> 8));
  out.push_back(static_cast<std::uint8_t>(request.method.class_id));
  for (const std::uint8_t b : request.method.obis.bytes) out.push_back(b);
  out.push_back(static_cast<std::uint8_t>(request.method.method));
  if (request.parameters) {
    out.push_back(0x01);
    encode_value(*request.parameters, out);
  } else {
    out.push_back(0x00);
  }
  return out;
}

bridge::Result<ActionRequestNormal, ApduError> decode_action_request(ByteSpan apdu) {
  if (apdu.empty()) return bridge::fail(ApduError::truncated);
  if (apdu[0] != tag::kActionRequest) return bridge::fail(ApduError::unexpected_tag);
  if (apdu.size() < 3) return bridge::fail(ApduError::truncated);
  if (apdu[1] == 0 || apdu[1] > 6) return bridge::fail(ApduError::bad_value);
  if (apdu[1] != kNormal) return bridge::fail(ApduError::unsupported);
  if (apdu.size() < 13) return bridge::fail(ApduError::truncated);
  ActionRequestNormal request;
  request.invoke = apdu[2];
  request.method.class_id = static_cast<std::uint16_t>((apdu[3] << 8) | apdu[4]);
  std::copy(apdu.begin() + 5, apdu.begin() + 11, request.method.obis.bytes.begin());
  request.method.method = static_cast<std::int8_t>(apdu[11]);
  std::size_t offset = 13;
  if (apdu[12] > 1) return bridge::fail(ApduError::bad_value);
  if (apdu[12] == 1) {
    auto v = decode_value(apdu, offset);
    if (!v) return bridge::fail(data_error(v.error()));
    request.parameters = std::move(*v);
  }
  if (offset != apdu.size()) return bridge::fail(ApduError::trailing_bytes);
  return request;
}

Bytes encode_action_response(const ActionResponseNormal& response) {
  Bytes out{tag::kActionResponse, kNormal, response.invoke, response.result};
  if (!response.data) {
    out.push_back(0x00);
    return out;
  }
  out.push_back(0x01);
  if (const auto* v = std::get_if<Value>(&*response.data)) {
    out.push_back(0x00);
    encode_value(*v, out);
  } else {
    out.push_back(0x01);
    out.push_back(static_cast<std::uint8_t>(std::get<DataAccessResult>(*response.data)));
  }
  return out;
}

bridge::Result<ActionResponseNormal, ApduError> decode_action_response(ByteSpan apdu) {
  if (apdu.empty()) return bridge::fail(ApduError::truncated);
  if (apdu[0] != tag::kActionResponse) return bridge::fail(ApduError::unexpected_tag);
  if (apdu.size() < 5) return bridge::fail(ApduError::truncated);
  if (apdu[1] == 0 || apdu[1] > 4) return bridge::fail(ApduError::bad_value);
  if (apdu[1] != kNormal) return bridge::fail(ApduError::unsupported);
  ActionResponseNormal response;
  response.invoke = apdu[2];
  response.result = apdu[3];
  std::size_t offset = 5;
  if (apdu[4] > 1) return bridge::fail(ApduError::bad_value);
  if (apdu[4] == 1) {
    if (offset >= apdu.size()) return bridge::fail(ApduError::truncated);
    const std::uint8_t choice = apdu[offset++];
    if (choice == 0) {
      auto v = decode_value(apdu, offset);
      if (!v) return bridge::fail(data_error(v.error()));
      response.data = GetDataResult{std::move(*v)};
    } else if (choice == 1) {
      if (offset >= apdu.size()) return bridge::fail(ApduError::truncated);
      response.data = GetDataResult{static_cast<DataAccessResult>(apdu[offset++])};
    } else {
      return bridge::fail(ApduError::bad_value);
    }
  }
  if (offset != apdu.size()) return bridge::fail(ApduError::trailing_bytes);
  return response;
}

}  // namespace dlms::cosem
