#pragma once
// Association APDUs (ACSE + xDLMS InitiateRequest/Response, docs/protocol.md 1.7):
//   AARQ 60 L | A1 09 06 07 60 85 74 05 08 01 <ctx> | [8A 02 07 80 | 8B 07 60 85 74 05 08 02 <mech> |
//        AC <PL+2> 80 <PL> <password>] | BE <L> 04 <L> <InitiateRequest>
//   InitiateRequest 01 <dedicated-key> <response-allowed> <proposed-qos> <version 06>
//                   5F 1F 04 00 <conformance:3> <client-max-receive-pdu:2>
//   AARE 61 L | A1 .. | A2 03 02 01 <result> | A3 05 <A1 user | A2 provider> 03 02 01 <diag> |
//        [88 02 07 80 | 89 07 <mech OID>] | BE <L> 04 <L> (<InitiateResponse> | 0E <confirmedServiceError>)
//   InitiateResponse 08 <negotiated-qos> <version> 5F 1F 04 00 <conformance:3> <server-max-pdu:2> <vaa-name:2>
//   RLRQ 62 L [80 01 <reason>] [BE <L> 04 <L> (<InitiateRequest> | 21 <glo-initiate-request>)]
//   RLRE 63 L [80 01 <reason>] [BE <L> 04 <L> (<InitiateResponse> | 28 <glo-initiate-response>)]
// HLS-GMAC (mechanism 5, docs/protocol.md 1.22) adds calling-AP-title A6 0A 04 08 <system-title>
// and the challenge CtoS in AC to the AARQ, responding-AP-title A4 0A 04 08 <system-title> and
// StoC in AA (80 <len> <StoC>) to the AARE, and ciphers the user-information (glo-initiate 21/28).
// Every length is computed (the previous system hard-coded 0x36, correct only for an 8-byte
// password, [BUG]). LLS passwords are 1..64 bytes.
#include <cstdint>
#include <optional>
#include <string_view>

#include "bridge/result.h"
#include "dlms/bytes.h"
#include "dlms/cosem/apdu.h"

namespace dlms::cosem {

// Conformance block bits (24-bit, Blue Book numbering: bit n has value 1 << (23 - n)).
namespace conformance {
inline constexpr std::uint32_t kGeneralProtection = 1U << 22;
inline constexpr std::uint32_t kGeneralBlockTransfer = 1U << 21;
inline constexpr std::uint32_t kRead = 1U << 20;
inline constexpr std::uint32_t kWrite = 1U << 19;
inline constexpr std::uint32_t kUnconfirmedWrite = 1U << 18;
inline constexpr std::uint32_t kAttribute0WithSet = 1U << 15;
inline constexpr std::uint32_t kPriorityManagement = 1U << 14;
inline constexpr std::uint32_t kAttribute0WithGet = 1U << 13;
inline constexpr std::uint32_t kBlockTransferWithGet = 1U << 12;
inline constexpr std::uint32_t kBlockTransferWithSet = 1U << 11;
inline constexpr std::uint32_t kBlockTransferWithAction = 1U << 10;
inline constexpr std::uint32_t kMultipleReferences = 1U << 9;
inline constexpr std::uint32_t kInformationReport = 1U << 8;
inline constexpr std::uint32_t kDataNotification = 1U << 7;
inline constexpr std::uint32_t kAccess = 1U << 6;
inline constexpr std::uint32_t kParameterizedAccess = 1U << 5;
inline constexpr std::uint32_t kGet = 1U << 4;
inline constexpr std::uint32_t kSet = 1U << 3;
inline constexpr std::uint32_t kSelectiveAccess = 1U << 2;
inline constexpr std::uint32_t kEventNotification = 1U << 1;
inline constexpr std::uint32_t kAction = 1U << 0;
// What the production client proposes (docs/protocol.md 1.7) and what the Microstar grants.
inline constexpr std::uint32_t kProductionProposal = 0x007E1F;
inline constexpr std::uint32_t kMicrostarNegotiated = 0x00301D;
}  // namespace conformance

enum class ApplicationContext : std::uint8_t {
  ln_no_ciphering = 1,
  sn_no_ciphering = 2,
  ln_ciphering = 3,
  sn_ciphering = 4,
};
enum class Mechanism : std::uint8_t {
  none = 0,
  lls = 1,
  hls = 2,
  hls_md5 = 3,
  hls_sha1 = 4,
  hls_gmac = 5,
  hls_sha256 = 6,
  hls_ecdsa = 7,
};

struct InitiateRequest {
  std::optional<Bytes> dedicated_key;
  bool response_allowed = true;
  std::optional<std::int8_t> proposed_qos;
  std::uint8_t dlms_version = 6;
  std::uint32_t conformance = conformance::kProductionProposal;
  std::uint16_t client_max_receive_pdu = 1200;
  friend bool operator==(const InitiateRequest&, const InitiateRequest&) = default;
};

struct Aarq {
  ApplicationContext context = ApplicationContext::ln_no_ciphering;
  Mechanism mechanism = Mechanism::none;  // none: public client; lls: password; hls_gmac: challenge
  // calling-authentication-value: the LLS password, or the HLS challenge CtoS (8..64 bytes).
  std::optional<Bytes> password;
  std::optional<Bytes> calling_ap_title;   // the client's system title (HLS-GMAC, 8 bytes)
  InitiateRequest initiate;
  std::optional<Bytes> ciphered_initiate;  // glo-initiate-request (21 ...) sent instead of `initiate`
  friend bool operator==(const Aarq&, const Aarq&) = default;
};

enum class AssociationResult : std::uint8_t { accepted = 0, rejected_permanent = 1, rejected_transient = 2 };
enum class DiagnosticSource : std::uint8_t { user = 1, provider = 2 };

// acse-service-user diagnostics.
namespace diagnostic {
inline constexpr std::uint8_t kNull = 0;
inline constexpr std::uint8_t kNoReasonGiven = 1;
inline constexpr std::uint8_t kApplicationContextNotSupported = 2;
inline constexpr std::uint8_t kMechanismNotRecognised = 11;
inline constexpr std::uint8_t kMechanismRequired = 12;
inline constexpr std::uint8_t kAuthenticationFailure = 13;
inline constexpr std::uint8_t kAuthenticationRequired = 14;
}  // namespace diagnostic
// "authentication_failure", "no_reason_given", ... ("unknown" for other values).
std::string_view diagnostic_label(DiagnosticSource source, std::uint8_t value);

struct InitiateResponse {
  std::optional<std::int8_t> negotiated_qos;
  std::uint8_t dlms_version = 6;
  std::uint32_t conformance = conformance::kMicrostarNegotiated;
  std::uint16_t server_max_receive_pdu = 0x1900;
  std::uint16_t vaa_name = 0x0007;
  friend bool operator==(const InitiateResponse&, const InitiateResponse&) = default;
};

struct Aare {
  ApplicationContext context = ApplicationContext::ln_no_ciphering;
  AssociationResult result = AssociationResult::accepted;
  DiagnosticSource diagnostic_source = DiagnosticSource::user;
  std::uint8_t diagnostic = diagnostic::kNull;
  std::optional<Mechanism> mechanism;                  // responder mechanism name (88/89), if sent
  std::optional<Bytes> responding_ap_title;            // the server's system title (HLS-GMAC)
  std::optional<Bytes> responding_authentication;      // the HLS challenge StoC
  std::optional<Bytes> ciphered_initiate;              // glo-initiate-response (28 ...) instead of `initiate`
  std::optional<InitiateResponse> initiate;            // user-information on success
  std::optional<ConfirmedServiceError> initiate_error; // user-information on an xDLMS refusal
  friend bool operator==(const Aare&, const Aare&) = default;
};

// RLRQ/RLRE user-information (BE <L> 04 <L> <xDLMS APDU>) is optional. On a ciphered
// association (HLS-GMAC) it carries the InitiateRequest/Response glo-ciphered (21 / 28) under the
// sender's system title and its next invocation counter, so a meter that demands ciphering
// accepts the release; at most one of `initiate` and `ciphered_initiate` is set.
struct ReleaseRequest {
  std::optional<std::uint8_t> reason;  // 0 normal, 1 urgent, 30 user-defined
  std::optional<InitiateRequest> initiate;
  std::optional<Bytes> ciphered_initiate;  // glo-initiate-request (21 ...), a well-formed ciphered APDU
  friend bool operator==(const ReleaseRequest&, const ReleaseRequest&) = default;
};
struct ReleaseResponse {
  std::optional<std::uint8_t> reason;  // 0 normal, 1 not-finished, 30 user-defined
  std::optional<InitiateResponse> initiate;
  std::optional<Bytes> ciphered_initiate;  // glo-initiate-response (28 ...), a well-formed ciphered APDU
  friend bool operator==(const ReleaseResponse&, const ReleaseResponse&) = default;
};

// The xDLMS InitiateRequest/InitiateResponse alone (what glo-initiate ciphers).
Bytes encode_initiate_request(const InitiateRequest& r);
bridge::Result<InitiateRequest, ApduError> decode_initiate_request(ByteSpan in);
Bytes encode_initiate_response(const InitiateResponse& r);
bridge::Result<InitiateResponse, ApduError> decode_initiate_response(ByteSpan in);

// bad_value: LLS without a password or a password outside 1..64 bytes, HLS-GMAC without an
// 8-byte calling AP title or a challenge of 8..64 bytes; unsupported: other HLS mechanisms.
bridge::Result<Bytes, ApduError> encode_aarq(const Aarq& aarq);
bridge::Result<Aarq, ApduError> decode_aarq(ByteSpan apdu);
Bytes encode_aare(const Aare& aare);
bridge::Result<Aare, ApduError> decode_aare(ByteSpan apdu);
// A ciphered_initiate wins over initiate; decode refuses repeated fields and a user-information
// that is neither a plain nor a well-formed glo-ciphered initiate APDU.
Bytes encode_rlrq(const ReleaseRequest& r);
bridge::Result<ReleaseRequest, ApduError> decode_rlrq(ByteSpan apdu);
Bytes encode_rlre(const ReleaseResponse& r);
bridge::Result<ReleaseResponse, ApduError> decode_rlre(ByteSpan apdu);

}  // namespace dlms::cosem
