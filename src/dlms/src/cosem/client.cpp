// The COSEM client state machine, sans-I/O. Over 400 lines because its commands and inputs
// share the invoke-id and block-transfer state; the HLS-GMAC 4-pass lives in client_hls.cpp.
#include "dlms/cosem/client.h"

#include <algorithm>

namespace dlms::cosem {

std::string_view to_label(ClientState s) {
  switch (s) {
    case ClientState::idle: return "idle";
    case ClientState::associating: return "associating";
    case ClientState::authenticating: return "authenticating";
    case ClientState::associated: return "associated";
    case ClientState::releasing: return "releasing";
    case ClientState::released: return "released";
    case ClientState::failed: return "failed";
  }
  return "unknown";
}

std::string_view to_label(FailReason r) {
  switch (r) {
    case FailReason::association_rejected: return "association_rejected";
    case FailReason::exception: return "exception";
    case FailReason::protocol: return "protocol";
    case FailReason::timeout: return "timeout";
    case FailReason::authentication: return "authentication";
  }
  return "unknown";
}

std::string_view to_label(ClientError e) {
  switch (e) {
    case ClientError::wrong_state: return "wrong_state";
    case ClientError::busy: return "busy";
    case ClientError::failed: return "failed";
    case ClientError::bad_request: return "bad_request";
  }
  return "unknown";
}

namespace {
std::string hex_byte(std::uint8_t b) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string{'0', 'x', kDigits[b >> 4], kDigits[b & 0xF]};
}
}  // namespace

Client::Client(ClientConfig config) : config_(std::move(config)), ciphering_(config_.ciphering) {}

std::optional<Bytes> Client::poll_transmit() {
  if (transmit_.empty()) return std::nullopt;
  Bytes b = std::move(transmit_.front());
  transmit_.pop_front();
  return b;
}

std::optional<ClientEvent> Client::poll_event() {
  if (events_.empty()) return std::nullopt;
  ClientEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

void Client::transmit(Bytes apdu, TimePoint now) {
  if (ciphering_ && state_ != ClientState::associating) {
    auto protected_apdu = protect_outgoing(std::move(apdu));
    if (!protected_apdu) return;  // failed
    apdu = std::move(*protected_apdu);
  }
  transmit_.push_back(std::move(apdu));
  if (config_.response_timeout) {
    deadline_ = now + *config_.response_timeout;
  } else {
    deadline_.reset();
  }
}

void Client::fail(FailReason reason, std::string message, std::optional<std::uint8_t> diagnostic) {
  fail(ClientFailed{reason, std::move(message), diagnostic, std::nullopt});
}

void Client::fail(ClientFailed failed) {
  state_ = ClientState::failed;
  in_flight_.reset();
  queue_.clear();
  deadline_.reset();
  events_.push_back(std::move(failed));
}

std::uint8_t Client::next_invoke() {
  const std::uint8_t invoke = make_invoke(next_id_, config_.invoke_flags);
  next_id_ = static_cast<std::uint8_t>((next_id_ + 1) & kInvokeIdMask);
  return invoke;
}

// ---------------------------------------------------------------------------------------------
// Commands

bridge::Result<void, ClientError> Client::associate(TimePoint now) {
  if (state_ == ClientState::failed) return bridge::fail(ClientError::failed);
  if (state_ != ClientState::idle && state_ != ClientState::released) return bridge::fail(ClientError::wrong_state);
  Aarq aarq;
  aarq.mechanism = config_.mechanism;
  aarq.password = config_.password;
  aarq.initiate.conformance = config_.proposed_conformance;
  aarq.initiate.client_max_receive_pdu = config_.max_receive_pdu;
  auto bytes = config_.mechanism == Mechanism::hls_gmac ? build_hls_aarq(aarq) : encode_aarq(aarq).map_error([](ApduError) {
    return ClientError::bad_request;
  });
  if (!bytes) return bridge::fail(ClientError::bad_request);
  state_ = ClientState::associating;
  transmit(std::move(*bytes), now);
  return {};
}

bridge::Result<void, ClientError> Client::get(std::span<const AttributeDescriptor> attributes, TimePoint now) {
  if (state_ == ClientState::failed) return bridge::fail(ClientError::failed);
  if (state_ != ClientState::associated) return bridge::fail(ClientError::wrong_state);
  if (attributes.empty()) return bridge::fail(ClientError::bad_request);
  queue_.append(attributes.begin(), attributes.end());
  if (!in_flight_) start_next(now);
  return {};
}

bridge::Result<void, ClientError> Client::set(const AttributeDescriptor& attribute, Value value, TimePoint now) {
  if (state_ == ClientState::failed) return bridge::fail(ClientError::failed);
  if (state_ != ClientState::associated) return bridge::fail(ClientError::wrong_state);
  if (busy()) return bridge::fail(ClientError::busy);
  InFlight f;
  f.invoke = next_invoke();
  f.set = true;
  f.attributes.push_back(attribute);
  Bytes apdu = encode_set_request(SetRequestNormal{f.invoke, attribute, std::move(value)});
  in_flight_ = std::move(f);
  transmit(std::move(apdu), now);
  return {};
}

bridge::Result<void, ClientError> Client::release(TimePoint now) {
  if (state_ == ClientState::failed) return bridge::fail(ClientError::failed);
  if (state_ != ClientState::associated) return bridge::fail(ClientError::wrong_state);
  if (busy()) return bridge::fail(ClientError::busy);
  ReleaseRequest rlrq{std::uint8_t{0}, std::nullopt, std::nullopt};
  if (ciphering_ && config_.mechanism == Mechanism::hls_gmac) {
    // A meter that demands ciphering accepts the release only with a ciphered InitiateRequest.
    auto ciphered = cipher_release_initiate();
    if (!ciphered) return bridge::fail(ClientError::failed);
    rlrq.ciphered_initiate = std::move(*ciphered);
  }
  state_ = ClientState::releasing;
  transmit(encode_rlrq(rlrq), now);
  return {};
}

void Client::start_next(TimePoint now) {
  if (queue_.empty()) {
    deadline_.reset();
    return;
  }
  InFlight f;
  f.invoke = next_invoke();
  const bool list = config_.use_get_with_list && (conformance_ & conformance::kMultipleReferences) && queue_.size() > 1;
  if (!list) {
    f.attributes.push_back(std::move(queue_.front()));
    queue_.pop_front();
    Bytes apdu = encode_get_request(GetRequestNormal{f.invoke, f.attributes.front()});
    in_flight_ = std::move(f);
    transmit(std::move(apdu), now);
    return;
  }
  // GET-With-List: as many attributes as fit the server's max PDU (at least two).
  f.list = true;
  GetRequestWithList request{f.invoke, {}};
  const std::size_t limit = server_max_pdu_ == 0 ? 0xFFFF : server_max_pdu_;
  while (!queue_.empty()) {
    request.attributes.push_back(queue_.front());
    if (request.attributes.size() > 2 && encode_get_request(request).size() > limit) {
      request.attributes.pop_back();
      break;
    }
    queue_.pop_front();
  }
  f.attributes = request.attributes;
  in_flight_ = std::move(f);
  transmit(encode_get_request(request), now);
}

// ---------------------------------------------------------------------------------------------
// Inputs

void Client::handle_timeout(TimePoint now) {
  if (!deadline_ || now < *deadline_) return;
  deadline_.reset();
  switch (state_) {
    case ClientState::associating: fail(FailReason::timeout, "no AARE within the response timeout"); return;
    case ClientState::authenticating:
      fail(FailReason::timeout, "no reply to reply_to_HLS_authentication within the response timeout");
      return;
    case ClientState::releasing: fail(FailReason::timeout, "no RLRE within the response timeout"); return;
    case ClientState::associated:
      if (in_flight_) {
        fail(FailReason::timeout,
             in_flight_->set ? "no SET response within the response timeout" : "no GET response within the response timeout");
      }
      return;
    default: return;
  }
}

void Client::handle_apdu(ByteSpan apdu, TimePoint now) {
  if (state_ == ClientState::failed) return;
  if (apdu.empty()) {
    fail(FailReason::protocol, "empty APDU");
    return;
  }
  if (ciphering_ && is_ciphered_tag(apdu[0])) {
    auto plain = open_incoming(apdu);
    if (!plain) return;  // failed
    handle_plain(*plain, now);
    return;
  }
  if (ciphering_ && (state_ == ClientState::authenticating || state_ == ClientState::associated) &&
      (apdu[0] == tag::kGetResponse || apdu[0] == tag::kSetResponse || apdu[0] == tag::kActionResponse)) {
    fail(FailReason::authentication, "unciphered response on a ciphered association");
    return;
  }
  handle_plain(apdu, now);
}

void Client::handle_plain(ByteSpan apdu, TimePoint now) {
  if (apdu.empty()) {
    fail(FailReason::protocol, "empty APDU");
    return;
  }
  const std::uint8_t t = apdu[0];
  if (t == tag::kExceptionResponse) {
    auto e = decode_exception_response(apdu);
    fail(e ? FailReason::exception : FailReason::protocol,
         e ? describe(*e) : "malformed exception-response: " + std::string(to_label(e.error())));
    return;
  }
  if (t == tag::kConfirmedServiceError) {
    auto e = decode_confirmed_service_error(apdu);
    const FailReason reason = !e ? FailReason::protocol
                              : state_ == ClientState::associating ? FailReason::association_rejected
                                                                   : FailReason::exception;
    fail(reason, e ? describe(*e) : "malformed confirmed-service-error: " + std::string(to_label(e.error())));
    return;
  }
  switch (state_) {
    case ClientState::associating:
      if (t != tag::kAare) break;
      on_aare(apdu, now);
      return;
    case ClientState::authenticating:
      if (t != tag::kActionResponse) break;
      on_hls_action_response(apdu);
      return;
    case ClientState::associated:
      if (t == tag::kSetResponse && in_flight_ && in_flight_->set) {
        on_set_response(apdu, now);
        return;
      }
      if (t != tag::kGetResponse) break;
      if (!in_flight_ || in_flight_->set) {
        // A reply after its request was given up (late answer, duplicate): nothing is waiting
        // for it, so it is stale rather than a protocol violation.
        ++stale_;
        return;
      }
      on_get_response(apdu, now);
      return;
    case ClientState::releasing:
      if (t != tag::kRlre) break;
      if (auto r = decode_rlre(apdu); !r) {
        fail(FailReason::protocol, "malformed RLRE: " + std::string(to_label(r.error())));
        return;
      } else if (ciphering_ && config_.mechanism == Mechanism::hls_gmac && !accept_ciphered_rlre(*r)) {
        return;  // failed
      }
      state_ = ClientState::released;
      deadline_.reset();
      events_.push_back(Released{});
      return;
    default: break;
  }
  fail(FailReason::protocol, "unexpected APDU " + hex_byte(t) + " in state " + std::string(to_label(state_)));
}

void Client::on_aare(ByteSpan apdu, TimePoint now) {
  auto aare = decode_aare(apdu);
  if (!aare) {
    fail(FailReason::protocol, "malformed AARE: " + std::string(to_label(aare.error())));
    return;
  }
  if (aare->result != AssociationResult::accepted) {
    fail(ClientFailed{FailReason::association_rejected,
                      "association rejected (result " + std::to_string(static_cast<int>(aare->result)) +
                          ", diagnostic " + std::to_string(aare->diagnostic) + " " +
                          std::string(diagnostic_label(aare->diagnostic_source, aare->diagnostic)) + ")",
                      aare->diagnostic, aare->result});
    return;
  }
  if (aare->initiate_error) {
    fail(FailReason::association_rejected, describe(*aare->initiate_error));
    return;
  }
  if (ciphering_ && config_.mechanism == Mechanism::hls_gmac) {
    on_hls_aare(*aare, now);
    return;
  }
  if (!aare->initiate) {
    fail(FailReason::protocol, "AARE accepted without InitiateResponse");
    return;
  }
  conformance_ = aare->initiate->conformance;
  server_max_pdu_ = aare->initiate->server_max_receive_pdu;
  state_ = ClientState::associated;
  deadline_.reset();
  events_.push_back(Associated{conformance_, server_max_pdu_, *aare->initiate});
}

void Client::on_set_response(ByteSpan apdu, TimePoint now) {
  auto response = decode_set_response(apdu);
  if (!response) {
    fail(FailReason::protocol, "malformed SET response: " + std::string(to_label(response.error())));
    return;
  }
  if (invoke_id(response->invoke) != invoke_id(in_flight_->invoke)) {
    ++stale_;
    return;
  }
  InFlight f = std::move(*in_flight_);
  in_flight_.reset();
  events_.push_back(SetResult{invoke_id(f.invoke), std::move(f.attributes.front()), response->result});
  start_next(now);
}

void Client::on_get_response(ByteSpan apdu, TimePoint now) {
  std::size_t trailing = 0;
  auto response = decode_get_response(apdu, &trailing);
  if (!response) {
    fail(FailReason::protocol, "malformed GET response: " + std::string(to_label(response.error())));
    return;
  }
  InFlight& f = *in_flight_;
  const std::uint8_t invoke = std::visit([](const auto& r) { return r.invoke; }, *response);
  if (invoke_id(invoke) != invoke_id(f.invoke)) {
    // A late answer to an earlier request (or a duplicate): not ours, keep waiting.
    ++stale_;
    return;
  }
  if (auto* normal = std::get_if<GetResponseNormal>(&*response)) {
    if (f.list || f.next_block != 1) {
      fail(FailReason::protocol, "GET-Response-Normal where with-list/block was expected");
      return;
    }
    if (trailing > 0) ++warnings_;
    finish({std::move(normal->result)}, trailing);
    start_next(now);
    return;
  }
  if (auto* list = std::get_if<GetResponseWithList>(&*response)) {
    if (!f.list || list->results.size() != f.attributes.size()) {
      fail(FailReason::protocol, "GET-Response-With-List does not match the request");
      return;
    }
    finish(std::move(list->results));
    start_next(now);
    return;
  }
  auto& block = std::get<GetResponseWithDatablock>(*response);
  if (block.block_number != f.next_block) {
    fail(FailReason::protocol, "block number " + std::to_string(block.block_number) + ", expected " +
                                   std::to_string(f.next_block));
    return;
  }
  if (auto* dar = std::get_if<DataAccessResult>(&block.result)) {
    finish(std::vector<GetDataResult>(f.attributes.size(), GetDataResult{*dar}));
    start_next(now);
    return;
  }
  const auto& raw = std::get<Bytes>(block.result);
  if (f.blocks.size() + raw.size() > 0x100000) {
    fail(FailReason::protocol, "block transfer larger than 1 MiB");
    return;
  }
  f.blocks.insert(f.blocks.end(), raw.begin(), raw.end());
  if (!block.last_block) {
    transmit(encode_get_request(GetRequestNext{f.invoke, f.next_block}), now);
    ++f.next_block;
    return;
  }
  if (f.list) {
    auto results = decode_get_data_results(f.blocks);
    if (!results || results->size() != f.attributes.size()) {
      fail(FailReason::protocol, "malformed with-list block data");
      return;
    }
    finish(std::move(*results));
  } else {
    std::size_t end = 0;
    auto value = decode_value(f.blocks, end);
    if (!value) {
      fail(FailReason::protocol, "malformed block data: " + std::string(to_label(value.error())));
      return;
    }
    const std::size_t trailing_bytes = f.blocks.size() - end;  // same tolerance as a normal response
    if (trailing_bytes > 0) ++warnings_;
    finish({std::move(*value)}, trailing_bytes);
  }
  start_next(now);
}

void Client::finish(std::vector<GetDataResult> results, std::size_t trailing_bytes) {
  InFlight f = std::move(*in_flight_);
  in_flight_.reset();
  for (std::size_t i = 0; i < f.attributes.size(); ++i) {
    events_.push_back(GetResult{invoke_id(f.invoke), std::move(f.attributes[i]), std::move(results[i]), trailing_bytes});
  }
}

}  // namespace dlms::cosem
