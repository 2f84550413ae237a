#pragma once
// COSEM client (application layer, client role), sans-I/O with the hdlc::Link's shape but on
// APDUs: hand every APDU it emits (poll_transmit) to Link::send() (or wrap it for the 62056-47
// transport), and every APDU the link delivers to handle_apdu().
//
//   associate(now)         -> AARQ (public or LLS, lengths computed)          -> Associated | Failed
//   get(descriptors, now)  -> GET-Normal per attribute, or GET-With-List when the negotiated
//                             conformance has multiple-references (and use_get_with_list);
//                             block transfer (GET-Next) is handled inside    -> one GetResult each
//   set(descriptor, value) -> SET-Request-Normal (one at a time, not queued) -> SetResult
//   release(now)           -> RLRQ (HLS-GMAC: with a glo-initiate-request)  -> Released | Failed
//
// A GET-Response-Normal whose value is complete but followed by extra bytes (a widely used
// server does this on the clock, docs/protocol.md 1.18) is accepted: the GetResult carries
// the number of ignored bytes and protocol_warnings() counts it. Only an incomplete value fails.
//
// GetResult carries the invoke-id used, the descriptor, and either the Value or the named
// DataAccessResult (a per-attribute error, not a session failure). Invoke-ids cycle 1..15, 0, 1..
// (4 bits, 0xC0 | id; responses are matched on the low 4 bits). Failed is sticky: AARE rejected
// (association_rejected, with the diagnostic, e.g. 13 authentication failure), exception-response
// or confirmed-service-error (exception), malformed/unexpected APDUs, block-number mismatches
// (protocol), no answer within response_timeout (timeout). A GET response with another invoke-id
// is a late reply to an earlier request: it is dropped and counted (stale_responses()).
//
// HLS-GMAC (mechanism 5, security suite 0, docs/protocol.md 1.22), with `ciphering` set:
//   AARQ (context LN-ciphering, calling AP title, CtoS, glo-initiate-request)
//   -> AARE (responding AP title, StoC, glo-initiate-response)
//   -> glo-action-request reply_to_HLS_authentication(f(StoC)) on 0-0:40.0.0.255 method 1
//   -> glo-action-response with f(CtoS), verified              -> Associated
// From then on every GET/SET is sent glo-ciphered (or general-glo) with the next invocation
// counter, and every response must be ciphered as the policy demands, carry a valid tag and an
// invocation counter above the last one seen (replay protection). A tag that does not verify, a
// replayed counter or a refused f(StoC) fail with FailReason::authentication. The RLRQ carries the
// InitiateRequest as glo-initiate-request (21) under the next counter; the RLRE may carry a
// glo-initiate-response (28), which must then decipher and verify like any response, and may not
// carry a plain InitiateResponse (a meter that answers a bare RLRE is accepted).
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bridge/result.h"
#include "dlms/fifo.h"
#include "dlms/bytes.h"
#include "dlms/time.h"
#include "dlms/cosem/action.h"
#include "dlms/cosem/association.h"
#include "dlms/cosem/ciphered.h"
#include "dlms/cosem/get.h"
#include "dlms/cosem/set.h"

namespace dlms::cosem {

using dlms::Clock;
using dlms::TimePoint;

// Security suite 0 settings of one association (HLS-GMAC).
struct CipheringConfig {
  Bytes system_title;  // ours, 8 bytes (calling AP title, IV of what we send)
  security::Keys keys;
  std::uint32_t invocation_counter = 0;  // the IC of the next APDU we protect
  std::uint8_t security_control = security::control::kAuthenticatedEncrypted;  // the meter's policy
  bool general_glo = false;  // send general-glo-ciphering (DB) instead of the glo- tags
  Bytes challenge;           // CtoS, 8..64 random bytes drawn by the caller for each association
};

struct ClientConfig {
  Mechanism mechanism = Mechanism::none;  // none (public client), lls or hls_gmac (needs `ciphering`)
  std::optional<CipheringConfig> ciphering;
  std::optional<Bytes> password;          // LLS password, 1..64 bytes
  std::uint32_t proposed_conformance = conformance::kProductionProposal;
  std::uint16_t max_receive_pdu = 1200;
  // APDU-level deadline per request; nullopt leaves timeouts to the transport (HDLC Link).
  std::optional<std::chrono::milliseconds> response_timeout = std::chrono::milliseconds(7000);
  std::uint8_t invoke_flags = kPriorityHigh | kServiceConfirmed;
  bool use_get_with_list = true;  // only when multiple-references was negotiated
};

enum class ClientState : std::uint8_t { idle, associating, authenticating, associated, releasing, released, failed };
std::string_view to_label(ClientState s);

enum class FailReason : std::uint8_t {
  association_rejected,  // AARE result != accepted, or xDLMS initiate refused
  exception,             // exception-response (D8) or confirmed-service-error (0E)
  protocol,              // malformed or unexpected APDU, invoke-id/block mismatch
  timeout,               // no answer within response_timeout
  authentication,        // HLS-GMAC: tag mismatch, replayed invocation counter, f(StoC) refused or f(CtoS) wrong
};
std::string_view to_label(FailReason r);

struct Associated {
  std::uint32_t conformance = 0;
  std::uint16_t server_max_pdu = 0;
  InitiateResponse initiate;
};
struct GetResult {
  std::uint8_t invoke_id = 0;  // low 4 bits
  AttributeDescriptor attribute;
  GetDataResult result;  // Value or DataAccessResult
  std::size_t trailing_bytes = 0;  // bytes after a complete value, ignored (a protocol warning)
};
struct SetResult {
  std::uint8_t invoke_id = 0;
  AttributeDescriptor attribute;
  DataAccessResult result = DataAccessResult::success;
};
struct Released {};
struct ClientFailed {
  FailReason reason = FailReason::protocol;
  std::string message;
  std::optional<std::uint8_t> diagnostic;  // AARE result-source-diagnostic when rejected
  // The AARE's result when the association was rejected: rejected_transient (typically "busy",
  // another association is open) is a different operator action from rejected_permanent.
  std::optional<AssociationResult> association_result;
};
using ClientEvent = std::variant<Associated, GetResult, SetResult, Released, ClientFailed>;

enum class ClientError : std::uint8_t { wrong_state, busy, failed, bad_request };
std::string_view to_label(ClientError e);

class Client {
 public:
  explicit Client(ClientConfig config);

  // Inputs.
  void handle_apdu(ByteSpan apdu, TimePoint now);
  void handle_timeout(TimePoint now);

  // Commands.
  bridge::Result<void, ClientError> associate(TimePoint now);
  bridge::Result<void, ClientError> get(std::span<const AttributeDescriptor> attributes, TimePoint now);
  bridge::Result<void, ClientError> get(const AttributeDescriptor& attribute, TimePoint now) {
    return get(std::span<const AttributeDescriptor>(&attribute, 1), now);
  }
  // One SET at a time: busy while a GET or SET is outstanding.
  bridge::Result<void, ClientError> set(const AttributeDescriptor& attribute, Value value, TimePoint now);
  bridge::Result<void, ClientError> release(TimePoint now);

  // Outputs.
  std::optional<Bytes> poll_transmit();
  std::optional<TimePoint> poll_timeout() const { return deadline_; }
  std::optional<ClientEvent> poll_event();

  // Getters.
  ClientState state() const { return state_; }
  std::uint32_t conformance() const { return conformance_; }
  std::uint16_t server_max_pdu() const { return server_max_pdu_; }
  bool busy() const { return in_flight_.has_value() || !queue_.empty(); }
  // GET responses whose invoke-id is not the one in flight (late replies), dropped.
  std::uint64_t stale_responses() const { return stale_; }
  // Anomalies tolerated without failing (extra bytes after a complete GET value).
  std::uint64_t protocol_warnings() const { return warnings_; }
  // HLS-GMAC: the IC of the next APDU we protect (persist it: an IC must never be reused).
  std::uint32_t invocation_counter() const { return ciphering_ ? ciphering_->invocation_counter : 0; }
  // HLS-GMAC: the meter's system title (from the AARE), empty before.
  const Bytes& server_system_title() const { return server_title_; }

 private:
  struct InFlight {
    std::uint8_t invoke = 0;
    std::vector<AttributeDescriptor> attributes;  // 1 = normal, more = with-list
    bool list = false;
    bool set = false;
    std::uint32_t next_block = 1;
    Bytes blocks;
  };

  void start_next(TimePoint now);
  void transmit(Bytes apdu, TimePoint now);
  void fail(FailReason reason, std::string message, std::optional<std::uint8_t> diagnostic = std::nullopt);
  void fail(ClientFailed failed);
  void on_aare(ByteSpan apdu, TimePoint now);
  void on_get_response(ByteSpan apdu, TimePoint now);
  void on_set_response(ByteSpan apdu, TimePoint now);
  void handle_plain(ByteSpan apdu, TimePoint now);
  // HLS-GMAC (client_hls.cpp).
  bridge::Result<Bytes, ClientError> build_hls_aarq(Aarq& aarq);
  void on_hls_aare(const Aare& aare, TimePoint now);
  void on_hls_action_response(ByteSpan apdu);
  std::optional<Bytes> protect_outgoing(Bytes apdu);
  std::optional<Bytes> open_incoming(ByteSpan apdu);
  bool accept_server_counter(std::uint32_t ic);
  // The RLRQ's glo-initiate-request under the next invocation counter (fails the client when
  // the counter is exhausted), and the check of the RLRE's answer.
  std::optional<Bytes> cipher_release_initiate();
  bool accept_ciphered_rlre(const ReleaseResponse& rlre);
  void finish(std::vector<GetDataResult> results, std::size_t trailing_bytes = 0);
  std::uint8_t next_invoke();

  ClientConfig config_;
  ClientState state_ = ClientState::idle;
  std::uint32_t conformance_ = 0;
  std::uint16_t server_max_pdu_ = 0;
  std::uint8_t next_id_ = 1;
  std::uint64_t stale_ = 0;
  std::uint64_t warnings_ = 0;
  Fifo<AttributeDescriptor> queue_;
  std::optional<InFlight> in_flight_;
  std::optional<TimePoint> deadline_;
  Fifo<Bytes> transmit_;
  std::optional<CipheringConfig> ciphering_;
  Bytes server_title_;
  std::optional<std::uint32_t> server_ic_;  // highest meter IC accepted (replay protection)
  std::uint8_t hls_invoke_ = 0;
  InitiateResponse hls_initiate_;  // from the (ciphered) AARE, reported once pass 4 succeeds
  Fifo<ClientEvent> events_;
};

}  // namespace dlms::cosem
