#include "dlms/cosem/security.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>

namespace dlms::cosem::security {

std::string_view to_label(CryptoError e) {
  switch (e) {
    case CryptoError::bad_key: return "bad_key";
    case CryptoError::bad_system_title: return "bad_system_title";
    case CryptoError::unsupported: return "unsupported";
    case CryptoError::tag_mismatch: return "tag_mismatch";
    case CryptoError::truncated: return "truncated";
    case CryptoError::openssl: return "openssl";
  }
  return "unknown";
}

namespace {

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::array<std::uint8_t, 12> make_iv(ByteSpan system_title, std::uint32_t ic) {
  std::array<std::uint8_t, 12> iv{};
  std::copy(system_title.begin(), system_title.end(), iv.begin());
  iv[8] = static_cast<std::uint8_t>(ic >> 24);
  iv[9] = static_cast<std::uint8_t>(ic >> 16);
  iv[10] = static_cast<std::uint8_t>(ic >> 8);
  iv[11] = static_cast<std::uint8_t>(ic);
  return iv;
}

bridge::Result<void, CryptoError> check(std::uint8_t sc, ByteSpan system_title, const Keys& keys) {
  if (keys.block_cipher_key.size() != kKeySize || keys.authentication_key.size() != kKeySize) {
    return bridge::fail(CryptoError::bad_key);
  }
  if (system_title.size() != kSystemTitleSize) return bridge::fail(CryptoError::bad_system_title);
  if ((sc & control::kSuiteMask) != 0 || (sc & control::kCompression) != 0 ||
      (sc & control::kAuthenticatedEncrypted) == 0) {
    return bridge::fail(CryptoError::unsupported);
  }
  return {};
}

// One AES-128-GCM pass. encrypt: `data` is plaintext, `tag` receives T; decrypt: `data` is
// ciphertext and `tag` holds the expected T (nullptr: no tag, SC 0x20).
bridge::Result<Bytes, CryptoError> gcm(bool encrypt, const Keys& keys, ByteSpan system_title, std::uint32_t ic,
                                       ByteSpan aad, ByteSpan data, bool encrypt_data, std::uint8_t* tag) {
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) return bridge::fail(CryptoError::openssl);
  const auto iv = make_iv(system_title, ic);
  auto init = encrypt ? EVP_EncryptInit_ex : EVP_DecryptInit_ex;
  if (init(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) != 1 ||
      init(ctx.get(), nullptr, nullptr, keys.block_cipher_key.data(), iv.data()) != 1) {
    return bridge::fail(CryptoError::openssl);
  }
  auto update = encrypt ? EVP_EncryptUpdate : EVP_DecryptUpdate;
  int len = 0;
  if (!aad.empty() && update(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) {
    return bridge::fail(CryptoError::openssl);
  }
  Bytes out;
  if (encrypt_data) {
    out.resize(data.size() + 16);
    if (!data.empty() && update(ctx.get(), out.data(), &len, data.data(), static_cast<int>(data.size())) != 1) {
      return bridge::fail(CryptoError::openssl);
    }
    out.resize(data.size());
  }
  if (!encrypt && tag != nullptr &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize), tag) != 1) {
    return bridge::fail(CryptoError::openssl);
  }
  // Encryption only (SC 0x20) has no tag to check: GCM's final step would fail for want of one.
  if (!encrypt && tag == nullptr) return out;
  std::array<std::uint8_t, 16> final_block{};
  const int ok = encrypt ? EVP_EncryptFinal_ex(ctx.get(), final_block.data(), &len)
                         : EVP_DecryptFinal_ex(ctx.get(), final_block.data(), &len);
  if (ok != 1) return bridge::fail(encrypt ? CryptoError::openssl : CryptoError::tag_mismatch);
  if (encrypt && tag != nullptr &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize), tag) != 1) {
    return bridge::fail(CryptoError::openssl);
  }
  return out;
}

Bytes aad_of(std::uint8_t sc, const Keys& keys, ByteSpan extra) {
  // Sized up front: GCC 12 mis-reports an insert after a one-byte initializer list (-Warray-bounds).
  Bytes aad(1 + keys.authentication_key.size() + extra.size());
  aad[0] = sc;
  std::copy(keys.authentication_key.begin(), keys.authentication_key.end(), aad.begin() + 1);
  std::copy(extra.begin(), extra.end(), aad.begin() + 1 + static_cast<std::ptrdiff_t>(keys.authentication_key.size()));
  return aad;
}

}  // namespace

bridge::Result<Bytes, CryptoError> protect(std::uint8_t sc, ByteSpan system_title, std::uint32_t ic, const Keys& keys,
                                           ByteSpan plaintext) {
  if (auto c = check(sc, system_title, keys); !c) return bridge::fail(c.error());
  const bool authenticated = (sc & control::kAuthentication) != 0;
  const bool encrypted = (sc & control::kEncryption) != 0;
  std::array<std::uint8_t, 16> tag{};
  const Bytes aad = authenticated ? aad_of(sc, keys, encrypted ? ByteSpan{} : plaintext) : Bytes{};
  auto body = gcm(true, keys, system_title, ic, aad, plaintext, encrypted, authenticated ? tag.data() : nullptr);
  if (!body) return body;
  Bytes out = encrypted ? std::move(*body) : Bytes(plaintext.begin(), plaintext.end());
  if (authenticated) out.insert(out.end(), tag.begin(), tag.begin() + kTagSize);
  return out;
}

bridge::Result<Bytes, CryptoError> unprotect(std::uint8_t sc, ByteSpan system_title, std::uint32_t ic, const Keys& keys,
                                             ByteSpan protected_bytes) {
  if (auto c = check(sc, system_title, keys); !c) return bridge::fail(c.error());
  const bool authenticated = (sc & control::kAuthentication) != 0;
  const bool encrypted = (sc & control::kEncryption) != 0;
  if (authenticated && protected_bytes.size() < kTagSize) return bridge::fail(CryptoError::truncated);
  const ByteSpan body = authenticated ? protected_bytes.first(protected_bytes.size() - kTagSize) : protected_bytes;
  std::array<std::uint8_t, 16> tag{};
  if (authenticated) std::copy(protected_bytes.end() - kTagSize, protected_bytes.end(), tag.begin());
  const Bytes aad = authenticated ? aad_of(sc, keys, encrypted ? ByteSpan{} : body) : Bytes{};
  auto plain = gcm(false, keys, system_title, ic, aad, body, encrypted, authenticated ? tag.data() : nullptr);
  if (!plain) return plain;
  return encrypted ? std::move(*plain) : Bytes(body.begin(), body.end());
}

bridge::Result<Bytes, CryptoError> hls_gmac(ByteSpan system_title, std::uint32_t ic, const Keys& keys,
                                            ByteSpan challenge) {
  if (auto c = check(control::kAuthentication, system_title, keys); !c) return bridge::fail(c.error());
  std::array<std::uint8_t, 16> tag{};
  auto r = gcm(true, keys, system_title, ic, aad_of(control::kAuthentication, keys, challenge), {}, false, tag.data());
  if (!r) return r;
  Bytes out(5 + kTagSize);
  out[0] = control::kAuthentication;
  for (int i = 0; i < 4; ++i) out[1 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ic >> (24 - 8 * i));
  std::copy(tag.begin(), tag.begin() + kTagSize, out.begin() + 5);
  return out;
}

bridge::Result<void, CryptoError> verify_hls_gmac(ByteSpan response, ByteSpan system_title, const Keys& keys,
                                                  ByteSpan challenge) {
  if (response.size() != 5 + kTagSize) return bridge::fail(CryptoError::truncated);
  if (response[0] != control::kAuthentication) return bridge::fail(CryptoError::unsupported);
  const std::uint32_t ic = (std::uint32_t{response[1]} << 24) | (std::uint32_t{response[2]} << 16) |
                           (std::uint32_t{response[3]} << 8) | response[4];
  auto expected = hls_gmac(system_title, ic, keys, challenge);
  if (!expected) return bridge::fail(expected.error());
  if (CRYPTO_memcmp(expected->data(), response.data(), response.size()) != 0) {
    return bridge::fail(CryptoError::tag_mismatch);
  }
  return {};
}

}  // namespace dlms::cosem::security
