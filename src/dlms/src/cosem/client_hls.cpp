// HLS-GMAC part of the COSEM client (client.h): the ciphered AARQ, pass 3/4 of the
// authentication, the protection of every APDU after it and the ciphered release
// (docs/protocol.md 1.22).
#include <string>

#include "dlms/cosem/client.h"

namespace dlms::cosem {

namespace {
// reply_to_HLS_authentication: method 1 of the current Association LN object.
constexpr Obis kCurrentAssociation{{0, 0, 40, 0, 0, 255}};
constexpr std::uint16_t kAssociationLnClass = 15;
constexpr std::int8_t kReplyToHlsAuthentication = 1;
}  // namespace

bridge::Result<Bytes, ClientError> Client::build_hls_aarq(Aarq& aarq) {
  if (!ciphering_) return bridge::fail(ClientError::bad_request);
  const CipheringConfig& c = *ciphering_;
  if (c.system_title.size() != security::kSystemTitleSize || c.challenge.size() < 8 || c.challenge.size() > 64) {
    return bridge::fail(ClientError::bad_request);
  }
  aarq.context = ApplicationContext::ln_ciphering;
  aarq.calling_ap_title = c.system_title;
  aarq.password = c.challenge;
  const Bytes initiate = encode_initiate_request(aarq.initiate);
  auto ciphered = cipher_apdu(initiate, c.security_control, c.system_title, c.invocation_counter, c.keys);
  if (!ciphered) return bridge::fail(ClientError::bad_request);
  ++ciphering_->invocation_counter;
  aarq.ciphered_initiate = std::move(*ciphered);
  return encode_aarq(aarq).map_error([](ApduError) { return ClientError::bad_request; });
}

bool Client::accept_server_counter(std::uint32_t ic) {
  if (server_ic_ && ic <= *server_ic_) {
    fail(FailReason::authentication, "replayed APDU: meter invocation counter " + std::to_string(ic) +
                                         " is not above the last one seen (" + std::to_string(*server_ic_) + ")");
    return false;
  }
  server_ic_ = ic;
  return true;
}

std::optional<Bytes> Client::protect_outgoing(Bytes apdu) {
  CipheringConfig& c = *ciphering_;
  if (apdu.empty() || !glo_tag_for(apdu[0])) return apdu;  // RLRQ and the like stay plain
  if (c.invocation_counter == 0xFFFFFFFF) {
    fail(FailReason::authentication, "invocation counter exhausted: the keys must be changed");
    return std::nullopt;
  }
  auto ciphered = cipher_apdu(apdu, c.security_control, c.system_title, c.invocation_counter, c.keys, c.general_glo);
  if (!ciphered) {
    fail(FailReason::protocol, "cannot cipher the APDU: " + ciphered.error().describe());
    return std::nullopt;
  }
  ++c.invocation_counter;
  return std::move(*ciphered);
}

std::optional<Bytes> Client::cipher_release_initiate() {
  CipheringConfig& c = *ciphering_;
  if (c.invocation_counter == 0xFFFFFFFF) {
    fail(FailReason::authentication, "invocation counter exhausted: the keys must be changed");
    return std::nullopt;
  }
  InitiateRequest initiate;  // the one the AARQ proposed
  initiate.conformance = config_.proposed_conformance;
  initiate.client_max_receive_pdu = config_.max_receive_pdu;
  auto ciphered =
      cipher_apdu(encode_initiate_request(initiate), c.security_control, c.system_title, c.invocation_counter, c.keys);
  if (!ciphered) {
    fail(FailReason::protocol, "cannot cipher the RLRQ's InitiateRequest: " + ciphered.error().describe());
    return std::nullopt;
  }
  ++c.invocation_counter;
  return std::move(*ciphered);
}

bool Client::accept_ciphered_rlre(const ReleaseResponse& rlre) {
  if (rlre.initiate) {
    fail(FailReason::authentication, "unciphered InitiateResponse in the RLRE of a ciphered association");
    return false;
  }
  if (!rlre.ciphered_initiate) return true;  // a bare RLRE: nothing to verify
  auto plain = open_incoming(*rlre.ciphered_initiate);
  if (!plain) return false;  // failed: tag, policy or replayed counter
  if (auto initiate = decode_initiate_response(*plain); !initiate) {
    fail(FailReason::protocol, "malformed ciphered InitiateResponse in the RLRE: " + std::string(to_label(initiate.error())));
    return false;
  }
  return true;
}

std::optional<Bytes> Client::open_incoming(ByteSpan apdu) {
  if (server_title_.empty()) {
    fail(FailReason::protocol, "ciphered APDU before the meter's system title is known");
    return std::nullopt;
  }
  // What the meter sends must be at least as protected as what we send.
  const std::uint8_t required = ciphering_->security_control & security::control::kAuthenticatedEncrypted;
  auto plain = decipher_apdu(apdu, server_title_, ciphering_->keys, required);
  if (!plain) {
    const bool malformed = plain.error().error == CipherError::malformed;
    fail(malformed ? FailReason::protocol : FailReason::authentication,
         "cannot decipher the meter's APDU: " + plain.error().describe());
    return std::nullopt;
  }
  if (!accept_server_counter(plain->invocation_counter)) return std::nullopt;
  return std::move(plain->apdu);
}

void Client::on_hls_aare(const Aare& aare, TimePoint now) {
  if (!aare.responding_ap_title || aare.responding_ap_title->size() != security::kSystemTitleSize) {
    fail(FailReason::protocol, "HLS-GMAC AARE without an 8-byte responding AP title (system title)");
    return;
  }
  if (!aare.responding_authentication || aare.responding_authentication->size() < 8 ||
      aare.responding_authentication->size() > 64) {
    fail(FailReason::protocol, "HLS-GMAC AARE without a challenge StoC of 8..64 bytes");
    return;
  }
  server_title_ = *aare.responding_ap_title;
  std::optional<InitiateResponse> initiate = aare.initiate;
  if (aare.ciphered_initiate) {
    auto plain = open_incoming(*aare.ciphered_initiate);
    if (!plain) return;  // failed
    auto decoded = decode_initiate_response(*plain);
    if (!decoded) {
      fail(FailReason::protocol, "malformed ciphered InitiateResponse: " + std::string(to_label(decoded.error())));
      return;
    }
    initiate = *decoded;
  }
  if (!initiate) {
    fail(FailReason::protocol, "AARE accepted without InitiateResponse");
    return;
  }
  hls_initiate_ = *initiate;
  conformance_ = initiate->conformance;
  server_max_pdu_ = initiate->server_max_receive_pdu;
  // Pass 3: f(StoC) under our system title and a fresh invocation counter.
  CipheringConfig& c = *ciphering_;
  auto f_stoc = security::hls_gmac(c.system_title, c.invocation_counter, c.keys, *aare.responding_authentication);
  if (!f_stoc) {
    fail(FailReason::protocol, "cannot compute f(StoC): " + std::string(security::to_label(f_stoc.error())));
    return;
  }
  ++c.invocation_counter;
  hls_invoke_ = next_invoke();
  ActionRequestNormal action{hls_invoke_, MethodDescriptor{kAssociationLnClass, kCurrentAssociation, kReplyToHlsAuthentication},
                             Value{OctetString{std::move(*f_stoc)}}};
  state_ = ClientState::authenticating;
  transmit(encode_action_request(action), now);
}

void Client::on_hls_action_response(ByteSpan apdu) {
  auto response = decode_action_response(apdu);
  if (!response) {
    fail(FailReason::protocol, "malformed ACTION response: " + std::string(to_label(response.error())));
    return;
  }
  if (invoke_id(response->invoke) != invoke_id(hls_invoke_)) {
    fail(FailReason::protocol, "ACTION response to another invoke-id during HLS authentication");
    return;
  }
  if (response->result != 0) {
    fail(FailReason::authentication, "the meter refused f(StoC) (action-result " + std::to_string(response->result) +
                                         "): wrong authentication key or system title");
    return;
  }
  const Value* value = response->data ? std::get_if<Value>(&*response->data) : nullptr;
  const OctetString* f_ctos = value ? value->get_if<OctetString>() : nullptr;
  if (f_ctos == nullptr) {
    fail(FailReason::protocol, "reply_to_HLS_authentication returned no octet-string f(CtoS)");
    return;
  }
  // Pass 4: the meter proves it holds the same keys.
  if (auto ok = security::verify_hls_gmac(f_ctos->bytes, server_title_, ciphering_->keys, ciphering_->challenge); !ok) {
    fail(FailReason::authentication,
         "the meter's f(CtoS) does not verify (" + std::string(security::to_label(ok.error())) + ")");
    return;
  }
  state_ = ClientState::associated;
  deadline_.reset();
  events_.push_back(Associated{conformance_, server_max_pdu_, hls_initiate_});
}

}  // namespace dlms::cosem
