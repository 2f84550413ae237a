#pragma once
// DLMS security suite 0 (AES-GCM-128, docs/protocol.md 1.22): the authenticated encryption of
// ciphered xDLMS APDUs and the GMAC of HLS mechanism 5. The cryptography is OpenSSL's EVP
// AES-128-GCM; nothing here implements a cipher.
//   IV  = system-title (8 bytes, the sender's) || invocation counter (4 bytes, big-endian)
//   SC  = security control byte: 0x10 authentication, 0x20 encryption, low nibble the suite (0)
//   SC 0x30: AAD = SC || AK,             output = ciphertext || T
//   SC 0x10: AAD = SC || AK || plaintext, output = plaintext  || T
//   SC 0x20: no AAD, no tag,              output = ciphertext
//   HLS-GMAC: f(challenge) = SC(0x10) || IC || GMAC(AAD = 0x10 || AK || challenge), T = 12 bytes
#include <cstdint>
#include <string_view>

#include "bridge/result.h"
#include "dlms/bytes.h"

namespace dlms::cosem::security {

inline constexpr std::size_t kKeySize = 16;
inline constexpr std::size_t kSystemTitleSize = 8;
inline constexpr std::size_t kTagSize = 12;  // GMAC tags are truncated to 96 bits

namespace control {
inline constexpr std::uint8_t kAuthentication = 0x10;
inline constexpr std::uint8_t kEncryption = 0x20;
inline constexpr std::uint8_t kBroadcastKey = 0x40;
inline constexpr std::uint8_t kCompression = 0x80;
inline constexpr std::uint8_t kSuiteMask = 0x0F;
inline constexpr std::uint8_t kAuthenticatedEncrypted = kAuthentication | kEncryption;
}  // namespace control

enum class CryptoError : std::uint8_t {
  bad_key,           // a key is not 16 bytes
  bad_system_title,  // the system title is not 8 bytes
  unsupported,       // security control asks for another suite, compression, or nothing at all
  tag_mismatch,      // the authentication tag does not verify (wrong key, tampered APDU)
  truncated,         // the protected bytes are shorter than the tag
  openssl,           // EVP failed (out of memory)
};
std::string_view to_label(CryptoError e);

// The 16-byte global unicast encryption key (EK) and authentication key (AK).
struct Keys {
  Bytes block_cipher_key;
  Bytes authentication_key;
};

// Protects `plaintext` as the SC demands; returns the bytes that follow SC || IC in the APDU.
bridge::Result<Bytes, CryptoError> protect(std::uint8_t security_control, ByteSpan system_title,
                                           std::uint32_t invocation_counter, const Keys& keys, ByteSpan plaintext);
// The inverse: checks the tag (when SC has authentication) and returns the plaintext.
bridge::Result<Bytes, CryptoError> unprotect(std::uint8_t security_control, ByteSpan system_title,
                                             std::uint32_t invocation_counter, const Keys& keys, ByteSpan protected_bytes);

// HLS mechanism 5 pass 3/4: f(challenge) = 10 || IC(4) || T(12), 17 bytes.
bridge::Result<Bytes, CryptoError> hls_gmac(ByteSpan system_title, std::uint32_t invocation_counter, const Keys& keys,
                                            ByteSpan challenge);
// Checks a peer's f(challenge) (its IC is inside the value) against its system title.
bridge::Result<void, CryptoError> verify_hls_gmac(ByteSpan response, ByteSpan system_title, const Keys& keys,
                                                  ByteSpan challenge);

}  // namespace dlms::cosem::security
