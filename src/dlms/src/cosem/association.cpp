// AARQ/AARE (BER) and the xDLMS InitiateRequest/Response inside them. Over 400 lines because
// each field's encoder and decoder must mirror each other (fuzz_aare round-trips them), and
// the LLS and HLS-GMAC fields share the same tags.
#include "dlms/cosem/association.h"

#include <algorithm>
#include <array>

#include "ber.h"
#include "byte_cursor.h"
#include "dlms/cosem/ciphered.h"

namespace dlms::cosem {
namespace {

constexpr std::array<std::uint8_t, 6> kContextPrefix{0x60, 0x85, 0x74, 0x05, 0x08, 0x01};
constexpr std::array<std::uint8_t, 6> kMechanismPrefix{0x60, 0x85, 0x74, 0x05, 0x08, 0x02};

Bytes oid(const std::array<std::uint8_t, 6>& prefix, std::uint8_t last) {
  Bytes out{0x06, 0x07};
  out.insert(out.end(), prefix.begin(), prefix.end());
  out.push_back(last);
  return out;
}

bridge::Result<std::uint8_t, ApduError> read_oid(ByteSpan value, const std::array<std::uint8_t, 6>& prefix) {
  // value is either a bare OID (8B/89: implicit) or 06 07 <OID> (A1: explicit).
  ByteSpan body = value;
  if (body.size() == 9 && body[0] == 0x06 && body[1] == 0x07) body = body.subspan(2);
  if (body.size() != 7 || !std::equal(prefix.begin(), prefix.end(), body.begin())) {
    return bridge::fail(ApduError::bad_value);
  }
  return body[6];
}

void put_conformance(Bytes& out, std::uint32_t c) {
  out.insert(out.end(), {0x5F, 0x1F, 0x04, 0x00});
  out.push_back(static_cast<std::uint8_t>(c >> 16));
  out.push_back(static_cast<std::uint8_t>(c >> 8));
  out.push_back(static_cast<std::uint8_t>(c));
}

bridge::Result<std::uint32_t, ApduError> read_conformance(ByteCursor& c) {
  if (!c.has(7)) return bridge::fail(ApduError::truncated);
  if (c.u8() != 0x5F || c.u8() != 0x1F || c.u8() != 0x04) return bridge::fail(ApduError::unexpected_tag);
  c.u8();  // unused bits
  std::uint32_t conformance = 0;
  for (int i = 0; i < 3; ++i) conformance = (conformance << 8) | c.u8();
  return conformance;
}

}  // namespace

Bytes encode_initiate_request(const InitiateRequest& r) {
  Bytes out{0x01};
  if (r.dedicated_key) {
    out.push_back(0x01);
    out.push_back(static_cast<std::uint8_t>(r.dedicated_key->size()));
    out.insert(out.end(), r.dedicated_key->begin(), r.dedicated_key->end());
  } else {
    out.push_back(0x00);
  }
  if (r.response_allowed) {
    out.push_back(0x00);  // DEFAULT TRUE: absent
  } else {
    out.push_back(0x01);
    out.push_back(0x00);
  }
  if (r.proposed_qos) {
    out.push_back(0x01);
    out.push_back(static_cast<std::uint8_t>(*r.proposed_qos));
  } else {
    out.push_back(0x00);
  }
  out.push_back(r.dlms_version);
  put_conformance(out, r.conformance);
  out.push_back(static_cast<std::uint8_t>(r.client_max_receive_pdu >> 8));
  out.push_back(static_cast<std::uint8_t>(r.client_max_receive_pdu));
  return out;
}

bridge::Result<InitiateRequest, ApduError> decode_initiate_request(ByteSpan in) {
  InitiateRequest r;
  ByteCursor c(in);
  if (!c.has(1)) return bridge::fail(ApduError::truncated);
  if (c.u8() != 0x01) return bridge::fail(ApduError::unexpected_tag);
  auto key = c.optional_octets();
  if (!key) return bridge::fail(key.error());
  r.dedicated_key = std::move(*key);
  auto response_allowed = c.optional_u8();  // DEFAULT TRUE
  if (!response_allowed) return bridge::fail(response_allowed.error());
  if (*response_allowed) r.response_allowed = **response_allowed != 0;
  auto qos = c.optional_u8();
  if (!qos) return bridge::fail(qos.error());
  if (*qos) r.proposed_qos = static_cast<std::int8_t>(**qos);
  if (!c.has(1)) return bridge::fail(ApduError::truncated);
  r.dlms_version = c.u8();
  auto conformance = read_conformance(c);
  if (!conformance) return bridge::fail(conformance.error());
  r.conformance = *conformance;
  if (!c.has(2)) return bridge::fail(ApduError::truncated);
  r.client_max_receive_pdu = c.u16();
  if (!c.done()) return bridge::fail(ApduError::trailing_bytes);
  return r;
}

Bytes encode_initiate_response(const InitiateResponse& r) {
  Bytes out{0x08};
  if (r.negotiated_qos) {
    out.push_back(0x01);
    out.push_back(static_cast<std::uint8_t>(*r.negotiated_qos));
  } else {
    out.push_back(0x00);
  }
  out.push_back(r.dlms_version);
  put_conformance(out, r.conformance);
  out.push_back(static_cast<std::uint8_t>(r.server_max_receive_pdu >> 8));
  out.push_back(static_cast<std::uint8_t>(r.server_max_receive_pdu));
  out.push_back(static_cast<std::uint8_t>(r.vaa_name >> 8));
  out.push_back(static_cast<std::uint8_t>(r.vaa_name));
  return out;
}

bridge::Result<InitiateResponse, ApduError> decode_initiate_response(ByteSpan in) {
  InitiateResponse r;
  ByteCursor c(in);
  if (!c.has(2)) return bridge::fail(ApduError::truncated);
  if (c.u8() != 0x08) return bridge::fail(ApduError::unexpected_tag);
  auto qos = c.optional_u8();
  if (!qos) return bridge::fail(qos.error());
  if (*qos) r.negotiated_qos = static_cast<std::int8_t>(**qos);
  if (!c.has(1)) return bridge::fail(ApduError::truncated);
  r.dlms_version = c.u8();
  auto conformance = read_conformance(c);
  if (!conformance) return bridge::fail(conformance.error());
  r.conformance = *conformance;
  if (!c.has(4)) return bridge::fail(ApduError::truncated);
  r.server_max_receive_pdu = c.u16();
  r.vaa_name = c.u16();
  if (!c.done()) return bridge::fail(ApduError::trailing_bytes);
  return r;
}

namespace {

Bytes wrap(std::uint8_t tag, const Bytes& body) {
  Bytes out;
  ber::put(out, tag, body);
  return out;
}

bridge::Result<ApplicationContext, ApduError> read_context(ByteSpan value) {
  auto ctx = read_oid(value, kContextPrefix);
  if (!ctx) return bridge::fail(ctx.error());
  if (*ctx < 1 || *ctx > 4) return bridge::fail(ApduError::bad_value);
  return static_cast<ApplicationContext>(*ctx);
}

bridge::Result<Mechanism, ApduError> read_mechanism(ByteSpan value) {
  auto mech = read_oid(value, kMechanismPrefix);
  if (!mech) return bridge::fail(mech.error());
  if (*mech > 7) return bridge::fail(ApduError::bad_value);
  return static_cast<Mechanism>(*mech);
}

// A2 03 02 01 xx / 80 01 xx style small integers inside a context tag.
bridge::Result<std::uint8_t, ApduError> read_explicit_integer(ByteSpan value) {
  std::size_t off = 0;
  auto inner = ber::read(value, off);
  if (!inner) return bridge::fail(inner.error());
  if (inner->tag != 0x02 || inner->value.size() != 1 || off != value.size()) return bridge::fail(ApduError::bad_value);
  return inner->value[0];
}

// A6/A4 AP-title: 04 <len> <system title>; AC/AA authentication-value: 80 <len> <bytes>.
bridge::Result<Bytes, ApduError> read_inner(ByteSpan value, std::uint8_t tag_a, std::uint8_t tag_b) {
  std::size_t off = 0;
  auto inner = ber::read(value, off);
  if (!inner) return bridge::fail(inner.error());
  if (inner->tag != tag_a && inner->tag != tag_b) return bridge::fail(ApduError::unexpected_tag);
  if (off != value.size()) return bridge::fail(ApduError::trailing_bytes);
  return Bytes(inner->value.begin(), inner->value.end());
}

void put_inner(Bytes& body, std::uint8_t outer_tag, std::uint8_t inner_tag, const Bytes& value) {
  Bytes inner;
  ber::put(inner, inner_tag, value);
  ber::put(body, outer_tag, inner);
}

}  // namespace

std::string_view diagnostic_label(DiagnosticSource source, std::uint8_t value) {
  if (source == DiagnosticSource::user) {
    switch (value) {
      case 0: return "null";
      case 1: return "no_reason_given";
      case 2: return "application_context_name_not_supported";
      case 3: return "calling_ap_title_not_recognized";
      case 4: return "calling_ap_invocation_identifier_not_recognized";
      case 5: return "calling_ae_qualifier_not_recognized";
      case 6: return "calling_ae_invocation_identifier_not_recognized";
      case 7: return "called_ap_title_not_recognized";
      case 8: return "called_ap_invocation_identifier_not_recognized";
      case 9: return "called_ae_qualifier_not_recognized";
      case 10: return "called_ae_invocation_identifier_not_recognized";
      case 11: return "authentication_mechanism_name_not_recognised";
      case 12: return "authentication_mechanism_name_required";
      case 13: return "authentication_failure";
      case 14: return "authentication_required";
      default: return "unknown";
    }
  }
  switch (value) {
    case 0: return "null";
    case 1: return "no_reason_given";
    case 2: return "no_common_acse_version";
    default: return "unknown";
  }
}

bridge::Result<Bytes, ApduError> encode_aarq(const Aarq& aarq) {
  if (aarq.mechanism != Mechanism::none && aarq.mechanism != Mechanism::lls && aarq.mechanism != Mechanism::hls_gmac) {
    return bridge::fail(ApduError::unsupported);
  }
  if (aarq.mechanism == Mechanism::hls_gmac &&
      (!aarq.calling_ap_title || aarq.calling_ap_title->size() != security::kSystemTitleSize || !aarq.password ||
       aarq.password->size() < 8)) {
    return bridge::fail(ApduError::bad_value);
  }
  if (aarq.ciphered_initiate && (aarq.ciphered_initiate->empty() || !decode_ciphered(*aarq.ciphered_initiate))) {
    return bridge::fail(ApduError::bad_value);
  }
  Bytes body;
  ber::put(body, 0xA1, oid(kContextPrefix, static_cast<std::uint8_t>(aarq.context)));
  if (aarq.calling_ap_title) put_inner(body, 0xA6, 0x04, *aarq.calling_ap_title);
  if (aarq.mechanism != Mechanism::none) {
    if (!aarq.password || aarq.password->empty() || aarq.password->size() > 64) {
      return bridge::fail(ApduError::bad_value);
    }
    body.insert(body.end(), {0x8A, 0x02, 0x07, 0x80});  // sender-acse-requirements: authentication
    const Bytes mech = oid(kMechanismPrefix, static_cast<std::uint8_t>(aarq.mechanism));
    ber::put(body, 0x8B, ByteSpan(mech).subspan(2));
    put_inner(body, 0xAC, 0x80, *aarq.password);
  }
  ber::put_user_information(body, aarq.ciphered_initiate ? *aarq.ciphered_initiate : encode_initiate_request(aarq.initiate));
  return wrap(tag::kAarq, body);
}

bridge::Result<Aarq, ApduError> decode_aarq(ByteSpan apdu) {
  auto body = ber::read_apdu(apdu, tag::kAarq);
  if (!body) return bridge::fail(body.error());
  Aarq aarq;
  bool have_context = false;
  bool have_user = false;
  auto fields = ber::unique_fields(*body);
  if (!fields) return bridge::fail(fields.error());
  for (const auto& t : *fields) {
    switch (t.tag) {
      case 0xA1: {
        auto ctx = read_context(t.value);
        if (!ctx) return bridge::fail(ctx.error());
        aarq.context = *ctx;
        have_context = true;
        break;
      }
      case 0x8B: {
        auto mech = read_mechanism(t.value);
        if (!mech) return bridge::fail(mech.error());
        aarq.mechanism = *mech;
        break;
      }
      case 0xAC: {
        std::size_t inner_off = 0;
        auto inner = ber::read(t.value, inner_off);
        if (!inner) return bridge::fail(inner.error());
        if (inner->tag != 0x80 && inner->tag != 0x81) return bridge::fail(ApduError::unexpected_tag);
        aarq.password = Bytes(inner->value.begin(), inner->value.end());
        break;
      }
      case 0xA6: {
        auto title = read_inner(t.value, 0x04, 0x04);
        if (!title) return bridge::fail(title.error());
        aarq.calling_ap_title = std::move(*title);
        break;
      }
      case 0xBE: {
        auto user = ber::read_user_information(t.value);
        if (!user) return bridge::fail(user.error());
        if ((*user)[0] == tag::kGloInitiateRequest) {
          if (auto c = decode_ciphered(*user); !c) return bridge::fail(c.error());
          aarq.ciphered_initiate = Bytes(user->begin(), user->end());
        } else {
          auto init = decode_initiate_request(*user);
          if (!init) return bridge::fail(init.error());
          aarq.initiate = *init;
        }
        have_user = true;
        break;
      }
      default: break;  // protocol-version, called AP title, acse-requirements: not needed
    }
  }
  if (!have_context || !have_user) return bridge::fail(ApduError::truncated);
  // An authentication value needs a mechanism name (found by fuzz_aare).
  if (aarq.password && aarq.mechanism == Mechanism::none) return bridge::fail(ApduError::bad_value);
  return aarq;
}

Bytes encode_aare(const Aare& aare) {
  Bytes body;
  ber::put(body, 0xA1, oid(kContextPrefix, static_cast<std::uint8_t>(aare.context)));
  body.insert(body.end(), {0xA2, 0x03, 0x02, 0x01, static_cast<std::uint8_t>(aare.result)});
  const std::uint8_t source_tag = aare.diagnostic_source == DiagnosticSource::user ? 0xA1 : 0xA2;
  body.insert(body.end(), {0xA3, 0x05, source_tag, 0x03, 0x02, 0x01, aare.diagnostic});
  if (aare.responding_ap_title) put_inner(body, 0xA4, 0x04, *aare.responding_ap_title);
  if (aare.mechanism) {
    body.insert(body.end(), {0x88, 0x02, 0x07, 0x80});
    const Bytes mech = oid(kMechanismPrefix, static_cast<std::uint8_t>(*aare.mechanism));
    ber::put(body, 0x89, ByteSpan(mech).subspan(2));
  }
  if (aare.responding_authentication) put_inner(body, 0xAA, 0x80, *aare.responding_authentication);
  if (aare.ciphered_initiate || aare.initiate || aare.initiate_error) {
    ber::put_user_information(body, aare.ciphered_initiate ? *aare.ciphered_initiate
                                    : aare.initiate        ? encode_initiate_response(*aare.initiate)
                                                           : encode_confirmed_service_error(*aare.initiate_error));
  }
  return wrap(tag::kAare, body);
}

bridge::Result<Aare, ApduError> decode_aare(ByteSpan apdu) {
  auto body = ber::read_apdu(apdu, tag::kAare);
  if (!body) return bridge::fail(body.error());
  Aare aare;
  bool have_result = false;
  auto fields = ber::unique_fields(*body);
  if (!fields) return bridge::fail(fields.error());
  for (const auto& t : *fields) {
    switch (t.tag) {
      case 0xA1: {
        auto ctx = read_context(t.value);
        if (!ctx) return bridge::fail(ctx.error());
        aare.context = *ctx;
        break;
      }
      case 0xA2: {
        auto r = read_explicit_integer(t.value);
        if (!r) return bridge::fail(r.error());
        if (*r > 2) return bridge::fail(ApduError::bad_value);
        aare.result = static_cast<AssociationResult>(*r);
        have_result = true;
        break;
      }
      case 0xA3: {
        std::size_t inner_off = 0;
        auto choice = ber::read(t.value, inner_off);
        if (!choice) return bridge::fail(choice.error());
        if (choice->tag != 0xA1 && choice->tag != 0xA2) return bridge::fail(ApduError::bad_value);
        auto d = read_explicit_integer(choice->value);
        if (!d) return bridge::fail(d.error());
        aare.diagnostic_source = choice->tag == 0xA1 ? DiagnosticSource::user : DiagnosticSource::provider;
        aare.diagnostic = *d;
        break;
      }
      case 0x89: {
        auto mech = read_mechanism(t.value);
        if (!mech) return bridge::fail(mech.error());
        aare.mechanism = *mech;
        break;
      }
      case 0xA4: {
        auto title = read_inner(t.value, 0x04, 0x04);
        if (!title) return bridge::fail(title.error());
        aare.responding_ap_title = std::move(*title);
        break;
      }
      case 0xAA: {
        auto stoc = read_inner(t.value, 0x80, 0x81);
        if (!stoc) return bridge::fail(stoc.error());
        aare.responding_authentication = std::move(*stoc);
        break;
      }
      case 0xBE: {
        auto user = ber::read_user_information(t.value);
        if (!user) return bridge::fail(user.error());
        if ((*user)[0] == tag::kConfirmedServiceError) {
          auto e = decode_confirmed_service_error(*user);
          if (!e) return bridge::fail(e.error());
          aare.initiate_error = *e;
        } else if ((*user)[0] == tag::kGloInitiateResponse) {
          if (auto c = decode_ciphered(*user); !c) return bridge::fail(c.error());
          aare.ciphered_initiate = Bytes(user->begin(), user->end());
        } else {
          auto init = decode_initiate_response(*user);
          if (!init) return bridge::fail(init.error());
          aare.initiate = *init;
        }
        break;
      }
      default: break;  // acse-requirements, ...: not needed
    }
  }
  if (!have_result) return bridge::fail(ApduError::truncated);
  return aare;
}

}  // namespace dlms::cosem
