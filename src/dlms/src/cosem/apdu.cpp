#include "dlms/cosem/apdu.h"

namespace dlms::cosem {

std::string_view to_label(ApduError e) {
  switch (e) {
    case ApduError::truncated: return "truncated";
    case ApduError::unexpected_tag: return "unexpected_tag";
    case ApduError::bad_length: return "bad_length";
    case ApduError::bad_value: return "bad_value";
    case ApduError::unsupported: return "unsupported";
    case ApduError::trailing_bytes: return "trailing_bytes";
    case ApduError::bad_data: return "bad_data";
  }
  return "unknown";
}

Bytes encode_exception_response(const ExceptionResponse& e) {
  Bytes out{tag::kExceptionResponse, e.state_error, e.service_error};
  if (e.invocation_counter) {
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(*e.invocation_counter >> (8 * i)));
  }
  return out;
}

bridge::Result<ExceptionResponse, ApduError> decode_exception_response(ByteSpan apdu) {
  if (apdu.empty() || apdu[0] != tag::kExceptionResponse) return bridge::fail(ApduError::unexpected_tag);
  if (apdu.size() < 3) return bridge::fail(ApduError::truncated);
  ExceptionResponse e{apdu[1], apdu[2], std::nullopt};
  if (e.service_error == 6) {
    if (apdu.size() < 7) return bridge::fail(ApduError::truncated);
    e.invocation_counter = (std::uint32_t{apdu[3]} << 24) | (std::uint32_t{apdu[4]} << 16) |
                           (std::uint32_t{apdu[5]} << 8) | apdu[6];
    if (apdu.size() > 7) return bridge::fail(ApduError::trailing_bytes);
  } else if (apdu.size() > 3) {
    return bridge::fail(ApduError::trailing_bytes);
  }
  return e;
}

std::string describe(const ExceptionResponse& e) {
  std::string s = "exception-response: ";
  switch (e.state_error) {
    case 1: s += "service-not-allowed"; break;
    case 2: s += "service-unknown"; break;
    default: s += "state-error " + std::to_string(e.state_error); break;
  }
  s += ", ";
  switch (e.service_error) {
    case 1: s += "operation-not-possible"; break;
    case 2: s += "service-not-supported"; break;
    case 3: s += "other-reason"; break;
    case 4: s += "pdu-too-long"; break;
    case 5: s += "deciphering-error"; break;
    case 6: s += "invocation-counter-error"; break;
    default: s += "service-error " + std::to_string(e.service_error); break;
  }
  return s;
}

Bytes encode_confirmed_service_error(const ConfirmedServiceError& e) {
  return Bytes{tag::kConfirmedServiceError, e.service, e.error_class, e.value};
}

bridge::Result<ConfirmedServiceError, ApduError> decode_confirmed_service_error(ByteSpan apdu) {
  if (apdu.empty() || apdu[0] != tag::kConfirmedServiceError) return bridge::fail(ApduError::unexpected_tag);
  if (apdu.size() < 4) return bridge::fail(ApduError::truncated);
  if (apdu.size() > 4) return bridge::fail(ApduError::trailing_bytes);
  if (apdu[2] > 10) return bridge::fail(ApduError::bad_value);
  return ConfirmedServiceError{apdu[1], apdu[2], apdu[3]};
}

std::string describe(const ConfirmedServiceError& e) {
  static constexpr std::string_view kClasses[] = {
      "application-reference", "hardware-resource", "vde-state-error", "service", "definition", "access",
      "initiate", "load-data-set", "change-scope", "task", "other"};
  std::string s = "confirmed-service-error: service " + std::to_string(e.service) + ", ";
  s += e.error_class <= 10 ? std::string(kClasses[e.error_class]) : std::to_string(e.error_class);
  s += " " + std::to_string(e.value);
  if (e.error_class == 6) {
    switch (e.value) {
      case 1: s += " (dlms-version-too-low)"; break;
      case 2: s += " (incompatible-conformance)"; break;
      case 3: s += " (pdu-size-too-short)"; break;
      case 4: s += " (refused-by-the-VDE-handler)"; break;
      default: break;
    }
  }
  return s;
}

}  // namespace dlms::cosem
