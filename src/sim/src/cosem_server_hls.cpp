// HLS-GMAC on the simulated meter (docs/protocol.md 1.22): the ciphered AARQ, pass 3/4 of the
// authentication (reply_to_HLS_authentication), ciphered GET/SET with replay protection, and the
// ciphered release (RLRQ/RLRE with glo-initiate-request/-response).
#include <openssl/rand.h>

#include "cosem_server_hls.h"
#include "dlms/cosem/action.h"
#include "dlms/cosem/ciphered.h"
#include "dlms/cosem/set.h"

namespace sim {

namespace cosem = dlms::cosem;
namespace security = dlms::cosem::security;

namespace {
constexpr cosem::Obis kInvocationCounter{{0, 0, 43, 1, 0, 255}};
constexpr cosem::Obis kCurrentAssociation{{0, 0, 40, 0, 0, 255}};
constexpr std::uint8_t kStateServiceNotAllowed = 1;
constexpr std::uint8_t kOperationNotPossible = 1;
constexpr std::uint8_t kDecipheringError = 5;
constexpr std::uint8_t kInvocationCounterError = 6;

security::Keys keys_of(const HlsGmacClient& s) { return {s.block_cipher_key, s.authentication_key}; }

dlms::Bytes exception(std::uint8_t state, std::uint8_t service, std::optional<std::uint32_t> ic = std::nullopt) {
  return cosem::encode_exception_response({state, service, ic});
}
}  // namespace

const HlsGmacClient* CosemServer::hls_settings() const {
  const auto& hls = meter_.profile().hls_gmac;
  return hls && hls->client_sap == client_sap_ ? &*hls : nullptr;
}

bridge::Result<cosem::InitiateRequest, std::uint8_t> CosemServer::hls_open(const cosem::Aarq& aarq) {
  namespace diag = cosem::diagnostic;
  const HlsGmacClient& s = *hls_settings();
  if (aarq.context != cosem::ApplicationContext::ln_ciphering) {
    ++meter_.stats().hls_rejected;
    return bridge::fail(diag::kApplicationContextNotSupported);
  }
  if (aarq.mechanism != cosem::Mechanism::hls_gmac) {
    ++meter_.stats().hls_rejected;
    return bridge::fail(aarq.mechanism == cosem::Mechanism::none ? diag::kAuthenticationRequired
                                                                 : diag::kMechanismNotRecognised);
  }
  if (!aarq.calling_ap_title || aarq.calling_ap_title->size() != security::kSystemTitleSize || !aarq.password ||
      aarq.password->size() < 8 || !aarq.ciphered_initiate) {
    ++meter_.stats().hls_rejected;
    return bridge::fail(diag::kNoReasonGiven);
  }
  // The InitiateRequest must decipher under our keys and the client's title, with a fresh IC:
  // a client with other keys is refused here (authentication failure).
  auto plain = cosem::decipher_apdu(*aarq.ciphered_initiate, *aarq.calling_ap_title, keys_of(s),
                                    s.security_control & security::control::kAuthenticatedEncrypted);
  if (!plain || plain->invocation_counter <= meter_.hls_client_ic) {
    ++meter_.stats().hls_rejected;
    return bridge::fail(diag::kAuthenticationFailure);
  }
  auto initiate = cosem::decode_initiate_request(plain->apdu);
  if (!initiate) {
    ++meter_.stats().hls_rejected;
    return bridge::fail(diag::kNoReasonGiven);
  }
  meter_.hls_client_ic = plain->invocation_counter;
  hls_ = std::make_unique<Hls>();
  hls_->client_title = *aarq.calling_ap_title;
  hls_->ctos = *aarq.password;
  hls_->stoc.resize(16);
  if (RAND_bytes(hls_->stoc.data(), static_cast<int>(hls_->stoc.size())) != 1) {
    hls_.reset();
    return bridge::fail(diag::kNoReasonGiven);
  }
  return *initiate;
}

void CosemServer::hls_complete_aare(cosem::Aare& aare) {
  const HlsGmacClient& s = *hls_settings();
  aare.context = cosem::ApplicationContext::ln_ciphering;
  aare.diagnostic = cosem::diagnostic::kAuthenticationRequired;
  aare.mechanism = cosem::Mechanism::hls_gmac;
  aare.responding_ap_title = s.system_title;
  aare.responding_authentication = hls_->stoc;
  const dlms::Bytes plain = cosem::encode_initiate_response(*aare.initiate);
  auto ciphered = cosem::cipher_apdu(plain, s.security_control, s.system_title, meter_.hls_server_ic++, keys_of(s));
  if (ciphered) {
    hls_->initiate = *aare.initiate;  // answered again, ciphered, in the RLRE
    aare.ciphered_initiate = std::move(*ciphered);
    aare.initiate.reset();
  }
}

std::optional<dlms::Bytes> CosemServer::on_hls_rlrq(dlms::ByteSpan apdu) {
  const HlsGmacClient& s = *hls_settings();
  auto rlrq = cosem::decode_rlrq(apdu);
  if (!rlrq) return exception(2, 3);  // service-error: not a valid RLRQ
  // Ciphering is demanded for the release too: a plain RLRQ (or one that does not decipher, or
  // replays a counter) is refused and the association stays.
  if (!rlrq->ciphered_initiate) {
    ++meter_.stats().hls_rejected;
    return exception(kStateServiceNotAllowed, kOperationNotPossible);
  }
  auto plain = cosem::decipher_apdu(*rlrq->ciphered_initiate, hls_->client_title, keys_of(s),
                                    s.security_control & security::control::kAuthenticatedEncrypted);
  if (!plain || !cosem::decode_initiate_request(plain->apdu)) {
    ++meter_.stats().hls_rejected;
    return exception(kStateServiceNotAllowed, kDecipheringError);
  }
  if (plain->invocation_counter <= meter_.hls_client_ic) {
    ++meter_.stats().hls_rejected;
    return exception(kStateServiceNotAllowed, kInvocationCounterError, meter_.hls_client_ic);
  }
  meter_.hls_client_ic = plain->invocation_counter;
  ++meter_.stats().hls_ciphered_releases;
  // Answered in kind: our InitiateResponse glo-ciphered under the meter's next counter.
  cosem::ReleaseResponse rlre{std::uint8_t{0}, std::nullopt, std::nullopt};
  auto ciphered = cosem::cipher_apdu(cosem::encode_initiate_response(hls_->initiate), s.security_control,
                                     s.system_title, meter_.hls_server_ic++, keys_of(s));
  if (ciphered) rlre.ciphered_initiate = std::move(*ciphered);
  if (associated()) ++meter_.stats().releases;
  release();
  return cosem::encode_rlre(rlre);
}

std::optional<dlms::Bytes> CosemServer::hls_handle(dlms::ByteSpan apdu, double elapsed_s, WallTime wall) {
  const HlsGmacClient& s = *hls_settings();
  if (apdu[0] == cosem::tag::kAarq) {
    hls_.reset();  // a new association starts over
    return on_aarq(apdu);
  }
  if (apdu[0] == cosem::tag::kRlrq) return on_hls_rlrq(apdu);
  if (!cosem::is_ciphered_tag(apdu[0])) return exception(kStateServiceNotAllowed, kOperationNotPossible);
  auto plain = cosem::decipher_apdu(apdu, hls_->client_title, keys_of(s),
                                    s.security_control & security::control::kAuthenticatedEncrypted);
  if (!plain) {
    ++meter_.stats().hls_rejected;
    return exception(kStateServiceNotAllowed, kDecipheringError);
  }
  if (plain->invocation_counter <= meter_.hls_client_ic) {
    ++meter_.stats().hls_rejected;
    return exception(kStateServiceNotAllowed, kInvocationCounterError, meter_.hls_client_ic);
  }
  meter_.hls_client_ic = plain->invocation_counter;
  if (plain->general) ++meter_.stats().hls_general_glo_requests;
  std::optional<dlms::Bytes> response;
  const std::uint8_t t = plain->apdu[0];
  if (t == cosem::tag::kActionRequest) {
    response = on_hls_action(plain->apdu);
  } else if (!hls_->authenticated) {
    return exception(kStateServiceNotAllowed, kOperationNotPossible);
  } else if (t == cosem::tag::kGetRequest) {
    response = on_get(plain->apdu, elapsed_s, wall);
  } else if (t == cosem::tag::kSetRequest) {
    response = on_set(plain->apdu, elapsed_s, wall);
  } else {
    return exception(2, 2);  // service-unknown, not supported
  }
  if (!response || (*response)[0] == cosem::tag::kExceptionResponse) return response;
  auto ciphered = cosem::cipher_apdu(*response, s.security_control, s.system_title, meter_.hls_server_ic++,
                                     keys_of(s), plain->general);
  if (!ciphered) return exception(kStateServiceNotAllowed, kOperationNotPossible);
  return std::move(*ciphered);
}

dlms::Bytes CosemServer::on_hls_action(dlms::ByteSpan apdu) {
  const HlsGmacClient& s = *hls_settings();
  auto request = cosem::decode_action_request(apdu);
  if (!request) return exception(2, 3);
  cosem::ActionResponseNormal response{request->invoke, 0, std::nullopt};
  const bool reply_to_hls = request->method.class_id == 15 && request->method.obis == kCurrentAssociation &&
                            request->method.method == 1;
  const auto* f_stoc = request->parameters ? request->parameters->get_if<cosem::OctetString>() : nullptr;
  if (!reply_to_hls || f_stoc == nullptr || hls_->authenticated) {
    response.result = 3;  // read-write-denied: no other method is served
    return cosem::encode_action_response(response);
  }
  // Pass 3: the client's f(StoC) under its title; pass 4: our f(CtoS) back.
  if (!security::verify_hls_gmac(f_stoc->bytes, hls_->client_title, keys_of(s), hls_->stoc)) {
    ++meter_.stats().hls_rejected;
    response.result = 250;  // other-reason: authentication failed, the association stays unusable
    return cosem::encode_action_response(response);
  }
  auto f_ctos = security::hls_gmac(s.system_title, meter_.hls_server_ic++, keys_of(s), hls_->ctos);
  if (!f_ctos) {
    response.result = 250;
    return cosem::encode_action_response(response);
  }
  hls_->authenticated = true;
  response.data = cosem::GetDataResult{cosem::Value{cosem::OctetString{std::move(*f_ctos)}}};
  return cosem::encode_action_response(response);
}

std::optional<cosem::GetDataResult> CosemServer::read_invocation_counter(const cosem::AttributeDescriptor& a) const {
  if (!meter_.profile().hls_gmac || a.obis != kInvocationCounter) return std::nullopt;
  if (a.class_id != 1) return cosem::GetDataResult{cosem::DataAccessResult::object_class_inconsistent};
  if (a.attribute == 1) {
    return cosem::GetDataResult{cosem::Value{cosem::OctetString{dlms::Bytes(a.obis.bytes.begin(), a.obis.bytes.end())}}};
  }
  if (a.attribute == 2) return cosem::GetDataResult{cosem::Value{meter_.hls_client_ic}};
  return cosem::GetDataResult{cosem::DataAccessResult::object_unavailable};
}

}  // namespace sim
