#include "cosem_server.h"

#include "cosem_server_hls.h"

#include "bridge/log.h"
#include "dlms/cosem/apdu.h"
#include "dlms/cosem/association.h"
#include "dlms/cosem/get.h"
#include "dlms/cosem/set.h"
#include "sim/objects.h"

namespace sim {

namespace cosem = dlms::cosem;

// A GET.response too large for the client's max PDU, sent in blocks (GET-next).
struct CosemServer::Block {
  dlms::Bytes data;          // the encoded Data (or Data-Access-Result) being transferred
  std::size_t offset = 0;    // bytes already sent
  std::uint32_t number = 0;  // number of the last block sent
  std::uint8_t invoke = 0;   // invoke-id-and-priority of the original request
};

namespace {

cosem::Aare rejection(cosem::AssociationResult result, std::uint8_t diagnostic) {
  cosem::Aare aare;
  aare.result = result;
  aare.diagnostic_source = cosem::DiagnosticSource::user;
  aare.diagnostic = diagnostic;
  return aare;
}

}  // namespace

CosemServer::CosemServer(Meter& meter, std::uint16_t client_sap, std::size_t max_apdu_out)
    : meter_(meter), client_sap_(client_sap), max_apdu_out_(max_apdu_out) {}

CosemServer::~CosemServer() {
  release();
}

void CosemServer::release() {
  if (associated_ && meter_.association_owner() == this) meter_.set_association_owner(nullptr);
  associated_ = false;
  block_.reset();
  hls_.reset();
}

std::optional<dlms::Bytes> CosemServer::handle(dlms::ByteSpan apdu, double elapsed_s, WallTime wall) {
  if (apdu.empty()) return std::nullopt;
  if (hls_) return hls_handle(apdu, elapsed_s, wall);
  switch (apdu[0]) {
    case cosem::tag::kAarq: return on_aarq(apdu);
    case cosem::tag::kRlrq: return on_rlrq(apdu);
    case cosem::tag::kGetRequest: return on_get(apdu, elapsed_s, wall);
    case cosem::tag::kSetRequest: return on_set(apdu, elapsed_s, wall);
    default:
      // ACTION and anything else: not served.
      return cosem::encode_exception_response({2, 2, std::nullopt});  // service-unknown, not supported
  }
}

std::optional<dlms::Bytes> CosemServer::on_aarq(dlms::ByteSpan apdu) {
  using cosem::AssociationResult;
  namespace diag = cosem::diagnostic;
  auto aarq = cosem::decode_aarq(apdu);
  if (!aarq) {
    std::uint8_t d =
        aarq.error() == cosem::ApduError::unsupported ? diag::kMechanismNotRecognised : diag::kNoReasonGiven;
    return cosem::encode_aare(rejection(AssociationResult::rejected_permanent, d));
  }
  // A new AARQ replaces whatever association this connection had.
  release();
  const Profile& profile = meter_.profile();
  std::optional<cosem::InitiateRequest> hls_initiate;
  if (hls_settings() != nullptr) {
    auto opened = hls_open(*aarq);
    if (!opened) return cosem::encode_aare(rejection(AssociationResult::rejected_permanent, opened.error()));
    hls_initiate = *opened;
  }
  auto expected = profile.passwords.find(static_cast<std::uint8_t>(client_sap_));
  if (hls_initiate) {
    // authenticated by HLS-GMAC (pass 3 follows)
  } else if (aarq->context != cosem::ApplicationContext::ln_no_ciphering) {
    return cosem::encode_aare(rejection(AssociationResult::rejected_permanent, diag::kApplicationContextNotSupported));
  } else if (client_sap_ > 127 || expected == profile.passwords.end()) {
    ++meter_.stats().rejected_password;
    return cosem::encode_aare(rejection(AssociationResult::rejected_permanent, diag::kNoReasonGiven));
  }
  if (!hls_initiate && !expected->second.empty()) {
    if (aarq->mechanism != cosem::Mechanism::lls) {
      ++meter_.stats().rejected_password;
      return cosem::encode_aare(rejection(AssociationResult::rejected_permanent, diag::kAuthenticationRequired));
    }
    const dlms::Bytes want(expected->second.begin(), expected->second.end());
    if (!aarq->password || *aarq->password != want) {
      ++meter_.stats().rejected_password;
      return cosem::encode_aare(rejection(AssociationResult::rejected_permanent, diag::kAuthenticationFailure));
    }
  }
  switch (meter_.faults().reject_association) {
    case RejectMode::auth:
      meter_.counts().add(FaultKind::reject_auth);
      return cosem::encode_aare(rejection(AssociationResult::rejected_permanent, diag::kAuthenticationFailure));
    case RejectMode::busy:
      meter_.counts().add(FaultKind::reject_busy);
      return cosem::encode_aare(rejection(AssociationResult::rejected_transient, diag::kNoReasonGiven));
    case RejectMode::none: break;
  }
  if (profile.single_association && meter_.association_owner() != nullptr && meter_.association_owner() != this) {
    ++meter_.stats().rejected_busy;
    return cosem::encode_aare(rejection(AssociationResult::rejected_transient, diag::kNoReasonGiven));
  }
  // xDLMS InitiateRequest checks, answered with an initiateError as a real meter does.
  const auto& init = hls_initiate ? *hls_initiate : aarq->initiate;
  std::optional<std::uint8_t> initiate_error;
  std::uint32_t negotiated = init.conformance & profile.conformance;
  if (init.dlms_version < 6) {
    initiate_error = 1;  // dlms-version-too-low
  } else if ((negotiated & cosem::conformance::kGet) == 0) {
    initiate_error = 2;  // incompatible-conformance
  } else if (init.client_max_receive_pdu != 0 && init.client_max_receive_pdu < 12) {
    initiate_error = 3;  // pdu-size-too-short
  }
  if (initiate_error) {
    hls_.reset();
    cosem::Aare aare = rejection(AssociationResult::rejected_permanent, diag::kNoReasonGiven);
    aare.initiate_error = cosem::ConfirmedServiceError{1, 6, *initiate_error};
    return cosem::encode_aare(aare);
  }

  associated_ = true;
  conformance_ = negotiated;
  client_max_pdu_ = init.client_max_receive_pdu == 0 ? 0xFFFF : init.client_max_receive_pdu;
  if (profile.single_association) meter_.set_association_owner(this);
  ++meter_.stats().associations;
  cosem::Aare aare;
  aare.result = AssociationResult::accepted;
  aare.diagnostic = diag::kNull;
  // The field meter's AARE (capture header 7E A0 37 ..) carries no responder mechanism name.
  aare.initiate = cosem::InitiateResponse{std::nullopt, 6, conformance_, profile.max_pdu, 0x0007};
  if (hls_) hls_complete_aare(aare);
  return cosem::encode_aare(aare);
}

std::optional<dlms::Bytes> CosemServer::on_rlrq(dlms::ByteSpan apdu) {
  if (!cosem::decode_rlrq(apdu)) return cosem::encode_exception_response({2, 3, std::nullopt});
  if (associated_) ++meter_.stats().releases;
  release();
  return cosem::encode_rlre(cosem::ReleaseResponse{std::uint8_t{0}, std::nullopt, std::nullopt});
}

}  // namespace sim

namespace sim {

namespace {

// Bytes a GET-Response-With-Datablock adds around its raw data:
// C4 02 invoke last block(4) 00 length(up to 3).
constexpr std::size_t kDatablockOverhead = 12;

dlms::Bytes exception(std::uint8_t state_error, std::uint8_t service_error) {
  return cosem::encode_exception_response({state_error, service_error, std::nullopt});
}

cosem::GetDataResult to_result(bridge::Result<cosem::Value, AccessResult> r) {
  if (r) return std::move(*r);
  return static_cast<cosem::DataAccessResult>(r.error());
}

}  // namespace

std::optional<dlms::Bytes> CosemServer::on_get(dlms::ByteSpan apdu, double elapsed_s, WallTime wall) {
  auto request = cosem::decode_get_request(apdu);
  if (!request) return exception(2, 3);      // service-unknown, other-reason
  if (!associated_) return exception(1, 1);  // service-not-allowed, operation-not-possible
  ++meter_.stats().get_requests;
  const ObjectTable& table = ObjectTable::of(meter_.profile().kind);
  ReadContext ctx{meter_, elapsed_s, wall, client_sap_};
  const std::size_t max_apdu = std::min(client_max_pdu_, max_apdu_out_);

  // Sends `raw` (the A-XDR of the result) in one response when `whole` fits, else in blocks.
  auto respond = [&](std::uint8_t invoke, dlms::Bytes whole, dlms::Bytes raw) -> dlms::Bytes {
    block_.reset();
    if (whole.size() <= max_apdu) return whole;
    if ((conformance_ & cosem::conformance::kBlockTransferWithGet) == 0 || max_apdu <= kDatablockOverhead) {
      return cosem::encode_get_response(cosem::GetResponseNormal{invoke, cosem::DataAccessResult::other_reason});
    }
    block_ = std::make_unique<Block>(Block{std::move(raw), 0, 0, invoke});
    return next_block();
  };

  if (auto* normal = std::get_if<cosem::GetRequestNormal>(&*request)) {
    const auto& a = normal->attribute;
    if (a.access && (conformance_ & cosem::conformance::kSelectiveAccess) == 0) return exception(1, 2);
    auto counter = read_invocation_counter(a);
    cosem::GetDataResult result =
        counter ? std::move(*counter)
                : to_result(table.read(a.class_id, a.obis, a.attribute, ctx, a.access ? &*a.access : nullptr));
    auto whole = cosem::encode_get_response(cosem::GetResponseNormal{normal->invoke, result});
    const int trailing = meter_.faults().clock_trailing_bytes;
    if (trailing > 0 && a.class_id == 8 && a.attribute == 2 && std::holds_alternative<cosem::Value>(result)) {
      whole.insert(whole.end(), static_cast<std::size_t>(trailing), std::uint8_t{0});
      meter_.counts().add(FaultKind::clock_trailing_bytes);
      if (whole.size() <= max_apdu) return whole;
    }
    dlms::Bytes raw;
    if (auto* v = std::get_if<cosem::Value>(&result)) raw = cosem::encode_value(*v);
    return respond(normal->invoke, std::move(whole), std::move(raw));
  }
  if (auto* list = std::get_if<cosem::GetRequestWithList>(&*request)) {
    if ((conformance_ & cosem::conformance::kMultipleReferences) == 0) return exception(1, 2);  // not negotiated
    cosem::GetResponseWithList response{list->invoke, {}};
    dlms::Bytes raw;
    cosem::encode_length(list->attributes.size(), raw);
    for (const auto& a : list->attributes) {
      auto r = to_result(table.read(a.class_id, a.obis, a.attribute, ctx, a.access ? &*a.access : nullptr));
      if (auto* v = std::get_if<cosem::Value>(&r)) {
        raw.push_back(0x00);
        cosem::encode_value(*v, raw);
      } else {
        raw.push_back(0x01);
        raw.push_back(static_cast<std::uint8_t>(std::get<cosem::DataAccessResult>(r)));
      }
      response.results.push_back(std::move(r));
    }
    auto whole = cosem::encode_get_response(response);
    return respond(list->invoke, std::move(whole), std::move(raw));
  }
  const auto& next = std::get<cosem::GetRequestNext>(*request);
  auto refuse_next = [&](cosem::DataAccessResult why) {
    block_.reset();
    return cosem::encode_get_response(cosem::GetResponseWithDatablock{next.invoke, true, next.block_number, why});
  };
  if (!block_) return refuse_next(cosem::DataAccessResult::no_long_get_in_progress);
  // A real meter aborts the long GET when the client acknowledges another block or changes
  // the invoke id in the middle of it.
  if (next.block_number != block_->number || cosem::invoke_id(next.invoke) != cosem::invoke_id(block_->invoke)) {
    return refuse_next(cosem::DataAccessResult::long_get_aborted);
  }
  return next_block();
}

std::optional<dlms::Bytes> CosemServer::on_set(dlms::ByteSpan apdu, double elapsed_s, WallTime wall) {
  auto request = cosem::decode_set_request(apdu);
  if (!request) {
    // SET with datablock or with-list: not supported; malformed: other reason.
    return exception(2, request.error() == cosem::ApduError::unsupported ? 2 : 3);
  }
  if (!associated_) return exception(1, 1);
  if ((conformance_ & cosem::conformance::kSet) == 0) return exception(1, 2);
  ++meter_.stats().set_requests;
  block_.reset();
  const ObjectTable& table = ObjectTable::of(meter_.profile().kind);
  ReadContext ctx{meter_, elapsed_s, wall, client_sap_};
  const auto& a = request->attribute;
  const AccessResult r = a.access ? AccessResult::scope_of_access_violated
                                  : table.write(a.class_id, a.obis, a.attribute, request->value, ctx);
  return cosem::encode_set_response({request->invoke, static_cast<cosem::DataAccessResult>(r)});
}

dlms::Bytes CosemServer::next_block() {
  const std::size_t max_apdu = std::min(client_max_pdu_, max_apdu_out_);
  const std::size_t room = max_apdu - kDatablockOverhead;
  const std::size_t n = std::min(room, block_->data.size() - block_->offset);
  dlms::Bytes part(block_->data.begin() + static_cast<std::ptrdiff_t>(block_->offset),
                   block_->data.begin() + static_cast<std::ptrdiff_t>(block_->offset + n));
  block_->offset += n;
  ++block_->number;
  const bool last = block_->offset == block_->data.size();
  auto encoded = cosem::encode_get_response(
      cosem::GetResponseWithDatablock{block_->invoke, last, block_->number, std::move(part)});
  if (last) block_.reset();
  return encoded;
}

}  // namespace sim
