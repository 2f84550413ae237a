#pragma once
// HDLC link state machine (IEC 62056-46 NRM, window 1), sans-I/O, for both roles: the bridge
// uses Role::client, dlms-meter-sim uses Role::server with the same rules.
//
// Usage (quinn-proto order): after every input or command, call poll_transmit() until empty
// (write each Bytes to the socket), then poll_timeout() (arm a timer; on expiry call
// handle_timeout(now)), then poll_event() until empty. `now` is monotonic; spurious
// handle_timeout() calls are no-ops. Decoding bytes into frames is the FrameDecoder's job; pass
// every decoded Frame to handle_frame(). Frames whose addresses are not ours are ignored.
//
// APDUs: send() takes an APDU without LLC and adds the LLC header (client E6 E6 00, server
// E6 E7 00); ApduReceived carries the APDU with the LLC removed. An information field longer than
// the negotiated max-info length is split into I-frames with the format S bit set; the peer
// acknowledges each segment with RR and the last one is sent without S.
//
// Sequence numbers: V(S)/V(R) modulo 8; on an accepted I-frame V(R) = N(S) + 1 (the previous
// system set V(R) = N(S), [BUG] docs/protocol.md 1.5), so the field session reads AARQ 10, AARE 30,
// GET 32, reply 52, GET 54, reply 74, ...
//
// Client errors are sticky: state() becomes failed and a Failed{kind, message} event is emitted
// (kind is a dlms::LinkError): DM (peer in disconnected mode, e.g. after its
// inactivity timeout), FRMR (frame reject, with the decoded reason), wrong N(S)/N(R) (sequence),
// unexpected frame types, bad LLC (format), bad UA parameters (format), timeout after
// max_retries. An exact repeat of the last accepted I-frame (N(S) = V(R)-1) is dropped and
// counted (duplicates_discarded()), not a failure. Recovery is a new TCP connection and a new Link. disconnect() is still allowed on
// a failed link so the meter releases the session (DISC -> UA/DM -> Disconnected).
//
// Loss recovery (client): when a reply does not come within response_timeout, the client polls
// with RR(V(R)) (SNRM/DISC are resent) up to max_retries times. A server that already answered
// retransmits its last I-frame (RR N(R) = its V(S)-1); one that never got the request answers
// RR with N(R) = client V(S)-1 and the client retransmits. Only then does it fail with timeout.
//
// Server role: SNRM -> UA with negotiated parameters (min of its limits and the proposal; window
// 1), DISC -> UA (with parameters, as the Microstar does) or DM when not connected, I-frames ->
// ApduReceived, RR -> next segment / retransmission / RR, anything else -> FRMR (the server then
// answers FRMR until SNRM or DISC), frames while disconnected -> DM. Optional inactivity timeout
// (the Microstar's 180 s) drops the link silently.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "dlms/fifo.h"
#include "dlms/link_error.h"
#include "bridge/result.h"
#include "dlms/bytes.h"
#include "dlms/time.h"
#include "dlms/hdlc/address.h"
#include "dlms/hdlc/frame.h"
#include "dlms/hdlc/parameters.h"

namespace dlms::hdlc {

using dlms::Clock;
using dlms::TimePoint;

enum class Role : std::uint8_t { client, server };

struct LinkConfig {
  Role role = Role::client;
  Address local;  // our own address field (client: client address; server: server address)
  Address peer;   // client: the server address. Server: empty = any client (latched at SNRM)
  // Client: parameters proposed in SNRM; nullopt sends an empty SNRM (the production setting,
  // the meter's defaults apply). Server: ignored.
  std::optional<LinkParameters> proposed;
  // Server: the largest values it accepts/sends; client: upper bound applied to the UA values.
  LinkParameters limits{2030, 2030, 1, 1};
  ParameterWidth ua_parameter_width = ParameterWidth::two_bytes;  // server UA encoding
  std::chrono::milliseconds response_timeout{7000};               // client, per request
  int max_retries = 1;                                            // client, see "Loss recovery"
  std::optional<std::chrono::milliseconds> inactivity_timeout;    // server (Microstar: 180 s)
};

enum class LinkState : std::uint8_t { disconnected, connecting, connected, disconnecting, frame_reject, failed };
std::string_view to_label(LinkState s);

// Connected parameters are from this end's view: max_info_tx is what we may send per frame.
struct Connected {
  LinkParameters parameters;
};
struct ApduReceived {
  Bytes apdu;
};
struct Disconnected {
  bool acknowledged = true;  // false: no UA/DM arrived (client) or inactivity timeout (server)
};
struct Failed {
  dlms::LinkError kind = dlms::LinkError::format;
  std::string message;
};
using LinkEvent = std::variant<Connected, ApduReceived, Disconnected, Failed>;

enum class CommandError : std::uint8_t {
  wrong_role,     // connect() on a server
  wrong_state,    // connect() while connected, send() while not connected, ...
  busy,           // a request is outstanding (window 1: one APDU at a time)
  failed,         // the link failed; make a new one
  too_large,      // APDU larger than kMaxApdu
};
std::string_view to_label(CommandError e);

inline constexpr std::size_t kMaxApdu = 65535;
inline constexpr std::array<std::uint8_t, 3> kLlcRequest{0xE6, 0xE6, 0x00};
inline constexpr std::array<std::uint8_t, 3> kLlcResponse{0xE6, 0xE7, 0x00};

class Link {
 public:
  explicit Link(LinkConfig config);

  // Inputs.
  void handle_frame(const Frame& frame, TimePoint now);
  void handle_timeout(TimePoint now);

  // Commands.
  bridge::Result<void, CommandError> connect(TimePoint now);
  bridge::Result<void, CommandError> send(ByteSpan apdu, TimePoint now);
  bridge::Result<void, CommandError> disconnect(TimePoint now);

  // Outputs.
  std::optional<Bytes> poll_transmit();
  std::optional<TimePoint> poll_timeout() const { return deadline_; }
  std::optional<LinkEvent> poll_event();

  // Client: the response timeout of the next request (adaptive deadlines); one already armed
  // keeps its deadline.
  void set_response_timeout(std::chrono::milliseconds timeout) { config_.response_timeout = timeout; }

  // Getters.
  LinkState state() const { return state_; }
  Role role() const { return config_.role; }
  const LinkParameters& parameters() const { return params_; }
  std::uint8_t send_sequence() const { return vs_; }     // V(S)
  std::uint8_t receive_sequence() const { return vr_; }  // V(R)
  const Address& peer() const { return peer_; }
  // True when an APDU was sent (or is being sent) and its answer has not arrived (client).
  bool busy() const;
  // Client: repeated I-frames (N(S) = V(R)-1) that were dropped instead of failing the link.
  std::uint64_t duplicates_discarded() const { return duplicates_; }

 private:
  enum class Awaiting : std::uint8_t { none, ua, segment_ack, response, next_segment, disc_reply };

  void handle_client(const Frame& frame, TimePoint now);
  void handle_server(const Frame& frame, TimePoint now);
  void on_i_frame(const Frame& frame, TimePoint now);
  void on_rr(const Frame& frame, TimePoint now);

  void emit_frame(std::uint8_t control, ByteSpan info = {}, bool segmented = false);
  void transmit_next_segment(TimePoint now);
  void retransmit_last(TimePoint now);
  void arm(TimePoint now);
  void fail(dlms::LinkError kind, std::string message);
  void server_reject(const Frame& frame, std::uint8_t reason_bits, std::string message);
  void reset_sequences();

  LinkConfig config_;
  Address peer_;
  LinkState state_ = LinkState::disconnected;
  Awaiting awaiting_ = Awaiting::none;
  LinkParameters params_;
  std::uint8_t vs_ = 0;
  std::uint8_t vr_ = 0;
  Fifo<Bytes> segments_;  // info chunks not yet sent
  struct LastI {
    Bytes info;
    bool segmented = false;
    std::uint8_t ns = 0;
  };
  std::optional<LastI> last_i_;  // kept for retransmission
  Bytes rx_;                     // reassembly of a segmented information field
  bool poll_held_ = false;       // server: the client's P bit has not been answered yet
  Bytes frmr_info_;              // server: repeated while in frame_reject
  int retries_ = 0;
  std::uint64_t duplicates_ = 0;
  std::optional<TimePoint> deadline_;
  Fifo<Bytes> transmit_;
  Fifo<LinkEvent> events_;
};

}  // namespace dlms::hdlc
