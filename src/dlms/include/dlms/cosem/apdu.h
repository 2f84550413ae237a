#pragma once
// xDLMS APDU basics shared by the association and GET codecs: tags, the error enum of every APDU
// decoder, and the two generic error APDUs a server may answer with (docs/protocol.md 1.8):
//   Exception-Response   D8 <state-error> <service-error> [invocation-counter(4)]
//   confirmedServiceError 0E <service> <error class> <value>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bridge/result.h"
#include "dlms/bytes.h"

namespace dlms::cosem {

namespace tag {
inline constexpr std::uint8_t kAarq = 0x60;
inline constexpr std::uint8_t kAare = 0x61;
inline constexpr std::uint8_t kRlrq = 0x62;
inline constexpr std::uint8_t kRlre = 0x63;
inline constexpr std::uint8_t kGetRequest = 0xC0;
inline constexpr std::uint8_t kSetRequest = 0xC1;
inline constexpr std::uint8_t kGetResponse = 0xC4;
inline constexpr std::uint8_t kSetResponse = 0xC5;
inline constexpr std::uint8_t kExceptionResponse = 0xD8;
inline constexpr std::uint8_t kConfirmedServiceError = 0x0E;
}  // namespace tag

enum class ApduError : std::uint8_t {
  truncated,       // input ended inside the APDU
  unexpected_tag,  // not the APDU (or element) expected here
  bad_length,      // a BER/A-XDR length is inconsistent with the input
  bad_value,       // a field has an illegal value (e.g. unknown choice, OID)
  unsupported,     // legal but not implemented (ciphered contexts, HLS)
  trailing_bytes,  // bytes after the APDU
  bad_data,        // the embedded A-XDR Data is malformed
};
std::string_view to_label(ApduError e);

struct ExceptionResponse {
  std::uint8_t state_error = 1;    // 1 service-not-allowed, 2 service-unknown
  std::uint8_t service_error = 2;  // 1 operation-not-possible, 2 service-not-supported, 3 other-reason,
                                   // 4 pdu-too-long, 5 deciphering-error, 6 invocation-counter-error
  std::optional<std::uint32_t> invocation_counter;
  friend bool operator==(const ExceptionResponse&, const ExceptionResponse&) = default;
};
Bytes encode_exception_response(const ExceptionResponse& e);
bridge::Result<ExceptionResponse, ApduError> decode_exception_response(ByteSpan apdu);
std::string describe(const ExceptionResponse& e);

struct ConfirmedServiceError {
  std::uint8_t service = 1;      // 1 initiateError, 2 getStatus, 3 getNameList, 4 getVariableAttribute, 5 read, 6 write
  std::uint8_t error_class = 6;  // ServiceError choice: 0 application-reference ... 5 access, 6 initiate, ...
  std::uint8_t value = 0;        // e.g. initiate: 1 dlms-version-too-low, 2 incompatible-conformance, 3 pdu-size-too-short
  friend bool operator==(const ConfirmedServiceError&, const ConfirmedServiceError&) = default;
};
Bytes encode_confirmed_service_error(const ConfirmedServiceError& e);
bridge::Result<ConfirmedServiceError, ApduError> decode_confirmed_service_error(ByteSpan apdu);
std::string describe(const ConfirmedServiceError& e);

}  // namespace dlms::cosem
