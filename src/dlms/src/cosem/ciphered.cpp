#include "dlms/cosem/ciphered.h"

#include <string>

#include "ber.h"

namespace dlms::cosem {

std::optional<std::uint8_t> glo_tag_for(std::uint8_t plain) {
  switch (plain) {
    case tag::kInitiateRequest: return tag::kGloInitiateRequest;
    case tag::kInitiateResponse: return tag::kGloInitiateResponse;
    case tag::kGetRequest: return tag::kGloGetRequest;
    case tag::kSetRequest: return tag::kGloSetRequest;
    case tag::kActionRequest: return tag::kGloActionRequest;
    case tag::kGetResponse: return tag::kGloGetResponse;
    case tag::kSetResponse: return tag::kGloSetResponse;
    case tag::kActionResponse: return tag::kGloActionResponse;
    default: return std::nullopt;
  }
}

bool is_ciphered_tag(std::uint8_t t) {
  switch (t) {
    case tag::kGloInitiateRequest:
    case tag::kGloInitiateResponse:
    case tag::kGloGetRequest:
    case tag::kGloSetRequest:
    case tag::kGloActionRequest:
    case tag::kGloGetResponse:
    case tag::kGloSetResponse:
    case tag::kGloActionResponse:
    case tag::kGeneralGloCiphering: return true;
    default: return false;
  }
}

std::string_view to_label(CipherError e) {
  switch (e) {
    case CipherError::malformed: return "malformed";
    case CipherError::no_glo_tag: return "no_glo_tag";
    case CipherError::crypto: return "crypto";
    case CipherError::wrong_sender: return "wrong_sender";
    case CipherError::policy: return "policy";
  }
  return "unknown";
}

std::string CipherFailure::describe() const {
  std::string s(to_label(error));
  if (crypto) s += " (" + std::string(security::to_label(*crypto)) + ")";
  if (apdu) s += " (" + std::string(to_label(*apdu)) + ")";
  return s;
}

Bytes encode_ciphered(const CipheredApdu& apdu) {
  Bytes out{apdu.tag};
  if (apdu.tag == tag::kGeneralGloCiphering) {
    const Bytes& st = apdu.system_title ? *apdu.system_title : Bytes{};
    ber::put_length(out, st.size());
    out.insert(out.end(), st.begin(), st.end());
  }
  ber::put_length(out, 5 + apdu.payload.size());
  out.push_back(apdu.security_control);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(apdu.invocation_counter >> shift));
  out.insert(out.end(), apdu.payload.begin(), apdu.payload.end());
  return out;
}

namespace {
// A-XDR length at `pos` (same short/long forms as BER).
bridge::Result<std::size_t, ApduError> read_length(ByteSpan in, std::size_t& pos) {
  if (pos >= in.size()) return bridge::fail(ApduError::truncated);
  std::size_t len = in[pos++];
  if (len & 0x80U) {
    const std::size_t n = len & 0x7FU;
    if (n == 0 || n > 2) return bridge::fail(ApduError::bad_length);
    if (pos + n > in.size()) return bridge::fail(ApduError::truncated);
    len = 0;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | in[pos + i];
    pos += n;
  }
  return len;
}
}  // namespace

bridge::Result<CipheredApdu, ApduError> decode_ciphered(ByteSpan in) {
  if (in.empty()) return bridge::fail(ApduError::truncated);
  if (!is_ciphered_tag(in[0])) return bridge::fail(ApduError::unexpected_tag);
  CipheredApdu apdu;
  apdu.tag = in[0];
  std::size_t pos = 1;
  if (apdu.tag == tag::kGeneralGloCiphering) {
    auto st_len = read_length(in, pos);
    if (!st_len) return bridge::fail(st_len.error());
    if (*st_len != security::kSystemTitleSize) return bridge::fail(ApduError::bad_value);
    if (pos + *st_len > in.size()) return bridge::fail(ApduError::truncated);
    apdu.system_title = Bytes(in.begin() + static_cast<std::ptrdiff_t>(pos),
                              in.begin() + static_cast<std::ptrdiff_t>(pos + *st_len));
    pos += *st_len;
  }
  auto len = read_length(in, pos);
  if (!len) return bridge::fail(len.error());
  if (*len < 5) return bridge::fail(ApduError::bad_length);
  if (*len > in.size() - pos) return bridge::fail(ApduError::truncated);
  if (*len < in.size() - pos) return bridge::fail(ApduError::trailing_bytes);
  apdu.security_control = in[pos];
  apdu.invocation_counter = (std::uint32_t{in[pos + 1]} << 24) | (std::uint32_t{in[pos + 2]} << 16) |
                            (std::uint32_t{in[pos + 3]} << 8) | in[pos + 4];
  apdu.payload = Bytes(in.begin() + static_cast<std::ptrdiff_t>(pos + 5), in.end());
  return apdu;
}

bridge::Result<Bytes, CipherFailure> cipher_apdu(ByteSpan plain, std::uint8_t sc, ByteSpan system_title,
                                                 std::uint32_t ic, const security::Keys& keys, bool general) {
  if (plain.empty()) return bridge::fail(CipherFailure{CipherError::no_glo_tag, {}, {}});
  const auto glo = glo_tag_for(plain[0]);
  if (!glo) return bridge::fail(CipherFailure{CipherError::no_glo_tag, {}, {}});
  auto body = security::protect(sc, system_title, ic, keys, plain);
  if (!body) return bridge::fail(CipherFailure{CipherError::crypto, body.error(), {}});
  CipheredApdu apdu;
  apdu.tag = general ? tag::kGeneralGloCiphering : *glo;
  if (general) apdu.system_title = Bytes(system_title.begin(), system_title.end());
  apdu.security_control = sc;
  apdu.invocation_counter = ic;
  apdu.payload = std::move(*body);
  return encode_ciphered(apdu);
}

bridge::Result<Deciphered, CipherFailure> decipher_apdu(ByteSpan bytes, ByteSpan sender_system_title,
                                                        const security::Keys& keys, std::uint8_t required_control) {
  auto apdu = decode_ciphered(bytes);
  if (!apdu) return bridge::fail(CipherFailure{CipherError::malformed, {}, apdu.error()});
  if (apdu->system_title && !std::equal(apdu->system_title->begin(), apdu->system_title->end(),
                                        sender_system_title.begin(), sender_system_title.end())) {
    return bridge::fail(CipherFailure{CipherError::wrong_sender, {}, {}});
  }
  if ((apdu->security_control & required_control) != required_control) {
    return bridge::fail(CipherFailure{CipherError::policy, {}, {}});
  }
  auto plain = security::unprotect(apdu->security_control, sender_system_title, apdu->invocation_counter, keys,
                                   apdu->payload);
  if (!plain) return bridge::fail(CipherFailure{CipherError::crypto, plain.error(), {}});
  const bool general = apdu->tag == tag::kGeneralGloCiphering;
  // A glo- tag says what it carries: the plain APDU inside must be that one.
  if (plain->empty() || (!general && glo_tag_for((*plain)[0]) != apdu->tag)) {
    return bridge::fail(CipherFailure{CipherError::malformed, {}, ApduError::unexpected_tag});
  }
  return Deciphered{std::move(*plain), apdu->security_control, apdu->invocation_counter, general};
}

}  // namespace dlms::cosem
