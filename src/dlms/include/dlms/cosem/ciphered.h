#pragma once
// Ciphered xDLMS APDUs (IEC 62056-5-3, security suite 0, docs/protocol.md 1.22):
//   glo-ciphering          <glo-tag> <len> SC IC(4) <protected bytes>
//   general-glo-ciphering  DB <len 08> <system-title:8> <len> SC IC(4) <protected bytes>
// glo tags: initiate-request 21, initiate-response 28, get-request C8, set-request C9,
// action-request CB, get-response CC, set-response CD, action-response CF. <len> is an A-XDR
// length (1 byte, or 81 xx / 82 xx xx). The protected bytes are security::protect's output.
#include <cstdint>
#include <optional>

#include "bridge/result.h"
#include "dlms/bytes.h"
#include "dlms/cosem/apdu.h"
#include "dlms/cosem/security.h"

namespace dlms::cosem {

namespace tag {
inline constexpr std::uint8_t kInitiateRequest = 0x01;
inline constexpr std::uint8_t kInitiateResponse = 0x08;
inline constexpr std::uint8_t kActionRequest = 0xC3;
inline constexpr std::uint8_t kActionResponse = 0xC7;
inline constexpr std::uint8_t kGloInitiateRequest = 0x21;
inline constexpr std::uint8_t kGloInitiateResponse = 0x28;
inline constexpr std::uint8_t kGloGetRequest = 0xC8;
inline constexpr std::uint8_t kGloSetRequest = 0xC9;
inline constexpr std::uint8_t kGloActionRequest = 0xCB;
inline constexpr std::uint8_t kGloGetResponse = 0xCC;
inline constexpr std::uint8_t kGloSetResponse = 0xCD;
inline constexpr std::uint8_t kGloActionResponse = 0xCF;
inline constexpr std::uint8_t kGeneralGloCiphering = 0xDB;
}  // namespace tag

// The glo- tag that carries a plain APDU with tag `plain` (C0 -> C8), nullopt when there is none.
std::optional<std::uint8_t> glo_tag_for(std::uint8_t plain);
// True for the glo- tags above and general-glo-ciphering.
bool is_ciphered_tag(std::uint8_t tag);

struct CipheredApdu {
  std::uint8_t tag = tag::kGloGetRequest;
  std::optional<Bytes> system_title;  // general-glo-ciphering only (the sender's)
  std::uint8_t security_control = security::control::kAuthenticatedEncrypted;
  std::uint32_t invocation_counter = 0;
  Bytes payload;  // protected bytes: ciphertext and/or plaintext, then the tag
  friend bool operator==(const CipheredApdu&, const CipheredApdu&) = default;
};

Bytes encode_ciphered(const CipheredApdu& apdu);
bridge::Result<CipheredApdu, ApduError> decode_ciphered(ByteSpan apdu);

enum class CipherError : std::uint8_t {
  malformed,       // not a well-formed ciphered APDU
  no_glo_tag,      // the plain APDU has no glo- form
  crypto,          // security::protect/unprotect failed; `crypto` tells why (tag_mismatch, ...)
  wrong_sender,    // general-glo-ciphering from another system title than the peer's
  policy,          // the SC has less protection than required
};
std::string_view to_label(CipherError e);

struct CipherFailure {
  CipherError error = CipherError::malformed;
  std::optional<security::CryptoError> crypto;
  std::optional<ApduError> apdu;
  std::string describe() const;
};

// Ciphers a whole plain APDU with the sender's system title (glo-, or general-glo when asked).
bridge::Result<Bytes, CipherFailure> cipher_apdu(ByteSpan plain, std::uint8_t security_control,
                                                 ByteSpan system_title, std::uint32_t invocation_counter,
                                                 const security::Keys& keys, bool general = false);

struct Deciphered {
  Bytes apdu;  // the plain APDU
  std::uint8_t security_control = 0;
  std::uint32_t invocation_counter = 0;
  bool general = false;
};
// Deciphers with the sender's system title; `required_control` bits (authentication,
// encryption) must all be present in the APDU's SC.
bridge::Result<Deciphered, CipherFailure> decipher_apdu(ByteSpan apdu, ByteSpan sender_system_title,
                                                        const security::Keys& keys, std::uint8_t required_control);

}  // namespace dlms::cosem
