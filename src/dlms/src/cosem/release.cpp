// RLRQ/RLRE (COSEM-RELEASE, docs/protocol.md 1.12): the reason and the optional
// user-information, which on a ciphered association carries the glo-ciphered
// InitiateRequest/Response. Encoder and decoder mirror each other (fuzz_aare round-trips them).
#include "ber.h"
#include "dlms/cosem/association.h"
#include "dlms/cosem/ciphered.h"

namespace dlms::cosem {
namespace {

constexpr std::uint8_t kReasonTag = 0x80;      // reason [0] IMPLICIT
constexpr std::uint8_t kUserInformation = 0xBE;  // user-information [30] EXPLICIT

// What a release APDU's fields decode to, before they go into a request or a response.
struct ReleaseFields {
  std::optional<std::uint8_t> reason;
  std::optional<ByteSpan> user;  // the xDLMS APDU inside user-information
};

Bytes encode_release(std::uint8_t tag, const std::optional<std::uint8_t>& reason, const std::optional<Bytes>& user) {
  Bytes body;
  if (reason) body.insert(body.end(), {kReasonTag, 0x01, *reason});
  if (user) ber::put_user_information(body, *user);
  Bytes out;
  ber::put(out, tag, body);
  return out;
}

bridge::Result<ReleaseFields, ApduError> decode_release(ByteSpan apdu, std::uint8_t tag) {
  auto body = ber::read_apdu(apdu, tag);
  if (!body) return bridge::fail(body.error());
  // Each field at most once, as in the AARQ/AARE: two user-information elements would leave
  // two initiate APDUs for one release.
  auto tlvs = ber::unique_fields(*body);
  if (!tlvs) return bridge::fail(tlvs.error());
  ReleaseFields fields;
  for (const auto& t : *tlvs) {
    if (t.tag == kReasonTag) {
      if (t.value.size() != 1) return bridge::fail(ApduError::bad_value);
      fields.reason = t.value[0];
    } else if (t.tag == kUserInformation) {
      auto user = ber::read_user_information(t.value);
      if (!user) return bridge::fail(user.error());
      fields.user = *user;
    }
  }
  return fields;
}

// A glo-initiate must at least be a well-formed ciphered APDU (its tag is checked after
// deciphering, by whoever holds the keys).
bridge::Result<Bytes, ApduError> ciphered_copy(ByteSpan user) {
  if (auto c = decode_ciphered(user); !c) return bridge::fail(c.error());
  return Bytes(user.begin(), user.end());
}

}  // namespace

Bytes encode_rlrq(const ReleaseRequest& r) {
  std::optional<Bytes> user = r.ciphered_initiate;
  if (!user && r.initiate) user = encode_initiate_request(*r.initiate);
  return encode_release(tag::kRlrq, r.reason, user);
}

bridge::Result<ReleaseRequest, ApduError> decode_rlrq(ByteSpan apdu) {
  auto fields = decode_release(apdu, tag::kRlrq);
  if (!fields) return bridge::fail(fields.error());
  ReleaseRequest r;
  r.reason = fields->reason;
  if (fields->user) {
    const ByteSpan user = *fields->user;
    if (user[0] == tag::kGloInitiateRequest) {
      auto c = ciphered_copy(user);
      if (!c) return bridge::fail(c.error());
      r.ciphered_initiate = std::move(*c);
    } else {
      auto init = decode_initiate_request(user);
      if (!init) return bridge::fail(init.error());
      r.initiate = *init;
    }
  }
  return r;
}

Bytes encode_rlre(const ReleaseResponse& r) {
  std::optional<Bytes> user = r.ciphered_initiate;
  if (!user && r.initiate) user = encode_initiate_response(*r.initiate);
  return encode_release(tag::kRlre, r.reason, user);
}

bridge::Result<ReleaseResponse, ApduError> decode_rlre(ByteSpan apdu) {
  auto fields = decode_release(apdu, tag::kRlre);
  if (!fields) return bridge::fail(fields.error());
  ReleaseResponse r;
  r.reason = fields->reason;
  if (fields->user) {
    const ByteSpan user = *fields->user;
    if (user[0] == tag::kGloInitiateResponse) {
      auto c = ciphered_copy(user);
      if (!c) return bridge::fail(c.error());
      r.ciphered_initiate = std::move(*c);
    } else {
      auto init = decode_initiate_response(user);
      if (!init) return bridge::fail(init.error());
      r.initiate = *init;
    }
  }
  return r;
}

}  // namespace dlms::cosem
