// The HDLC link layer (ISO 13239 NRM as DLMS uses it), sans-I/O. Over 400 lines because its
// commands, segmentation, retransmission and frame handling all share the sequence-number
// state; frame encoding and decoding live in frame.cpp and frame_decoder.cpp.
#include "dlms/hdlc/link.h"

#include <algorithm>

namespace dlms::hdlc {

using dlms::LinkError;

std::string_view to_label(LinkState s) {
  switch (s) {
    case LinkState::disconnected: return "disconnected";
    case LinkState::connecting: return "connecting";
    case LinkState::connected: return "connected";
    case LinkState::disconnecting: return "disconnecting";
    case LinkState::frame_reject: return "frame_reject";
    case LinkState::failed: return "failed";
  }
  return "unknown";
}

std::string_view to_label(CommandError e) {
  switch (e) {
    case CommandError::wrong_role: return "wrong_role";
    case CommandError::wrong_state: return "wrong_state";
    case CommandError::busy: return "busy";
    case CommandError::failed: return "failed";
    case CommandError::too_large: return "too_large";
  }
  return "unknown";
}

namespace {

constexpr std::uint8_t kFrmrW = 0x01;  // undefined or not implemented control field
constexpr std::uint8_t kFrmrX = 0x02;  // info field not allowed with this frame type
constexpr std::uint8_t kFrmrY = 0x04;  // info field too long
constexpr std::uint8_t kFrmrZ = 0x08;  // invalid N(R)

std::uint8_t prev(std::uint8_t seq) { return static_cast<std::uint8_t>((seq + 7) & 7); }
std::uint8_t inc(std::uint8_t seq) { return static_cast<std::uint8_t>((seq + 1) & 7); }

std::string hex_byte(std::uint8_t b) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string{'0', 'x', kDigits[b >> 4], kDigits[b & 0xF]};
}

std::string describe_frmr(const Bytes& info) {
  if (info.size() < 3) return "frame reject (FRMR) without reason";
  std::string m = "frame reject (FRMR) of control " + hex_byte(info[0]) + ":";
  if (info[2] & kFrmrW) m += " undefined control field";
  if (info[2] & kFrmrX) m += " information field not allowed";
  if (info[2] & kFrmrY) m += " information field too long";
  if (info[2] & kFrmrZ) m += " invalid N(R)";
  return m;
}

}  // namespace

Link::Link(LinkConfig config) : config_(std::move(config)), peer_(config_.peer) {}

bool Link::busy() const { return awaiting_ != Awaiting::none || !segments_.empty(); }

std::optional<Bytes> Link::poll_transmit() {
  if (transmit_.empty()) return std::nullopt;
  Bytes b = std::move(transmit_.front());
  transmit_.pop_front();
  return b;
}

std::optional<LinkEvent> Link::poll_event() {
  if (events_.empty()) return std::nullopt;
  LinkEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

void Link::emit_frame(std::uint8_t control, ByteSpan info, bool segmented) {
  Frame f;
  f.destination = peer_;
  f.source = config_.local;
  f.control = control;
  f.segmented = segmented;
  f.info.assign(info.begin(), info.end());
  auto bytes = encode(f);
  // Segments are sized to fit, so encoding only fails on a misconfigured (empty) address.
  if (!bytes) {
    fail(LinkError::format, std::string("cannot encode frame: ") + std::string(to_label(bytes.error())));
    return;
  }
  transmit_.push_back(std::move(*bytes));
}

void Link::arm(TimePoint now) {
  if (config_.role == Role::client) {
    deadline_ = now + config_.response_timeout;
  } else if (config_.inactivity_timeout && state_ != LinkState::disconnected) {
    deadline_ = now + *config_.inactivity_timeout;
  } else {
    deadline_.reset();
  }
}

void Link::fail(LinkError kind, std::string message) {
  state_ = LinkState::failed;
  awaiting_ = Awaiting::none;
  segments_.clear();
  rx_.clear();
  deadline_.reset();
  events_.push_back(Failed{kind, std::move(message)});
}

void Link::reset_sequences() {
  vs_ = vr_ = 0;
  segments_.clear();
  last_i_.reset();
  rx_.clear();
  poll_held_ = false;
  awaiting_ = Awaiting::none;
  retries_ = 0;
}

// ---------------------------------------------------------------------------------------------
// Commands

bridge::Result<void, CommandError> Link::connect(TimePoint now) {
  if (config_.role != Role::client) return bridge::fail(CommandError::wrong_role);
  if (state_ == LinkState::failed) return bridge::fail(CommandError::failed);
  if (state_ != LinkState::disconnected) return bridge::fail(CommandError::wrong_state);
  reset_sequences();
  const Bytes info = config_.proposed ? encode_parameters(*config_.proposed) : Bytes{};
  emit_frame(control::snrm(), info);
  state_ = LinkState::connecting;
  awaiting_ = Awaiting::ua;
  arm(now);
  return {};
}

bridge::Result<void, CommandError> Link::send(ByteSpan apdu, TimePoint now) {
  if (state_ == LinkState::failed) return bridge::fail(CommandError::failed);
  if (state_ != LinkState::connected) return bridge::fail(CommandError::wrong_state);
  if (apdu.size() > kMaxApdu) return bridge::fail(CommandError::too_large);
  if (busy()) return bridge::fail(CommandError::busy);

  const auto& llc = config_.role == Role::client ? kLlcRequest : kLlcResponse;
  Bytes info(llc.begin(), llc.end());
  info.insert(info.end(), apdu.begin(), apdu.end());
  const std::size_t chunk = std::max<std::size_t>(
      1, std::min<std::size_t>(params_.max_info_tx, max_info_length(peer_.size(), config_.local.size())));
  for (std::size_t off = 0; off < info.size(); off += chunk) {
    const std::size_t n = std::min(chunk, info.size() - off);
    segments_.emplace_back(info.begin() + static_cast<std::ptrdiff_t>(off),
                           info.begin() + static_cast<std::ptrdiff_t>(off + n));
  }
  // A server may only transmit when it holds the client's poll; otherwise the answer waits for
  // the next RR poll.
  if (config_.role == Role::client || poll_held_) transmit_next_segment(now);
  return {};
}

bridge::Result<void, CommandError> Link::disconnect(TimePoint now) {
  if (config_.role != Role::client) {
    // A server never initiates DISC in NRM; it simply forgets the link.
    reset_sequences();
    state_ = LinkState::disconnected;
    deadline_.reset();
    events_.push_back(Disconnected{false});
    return {};
  }
  if (state_ == LinkState::disconnected) return bridge::fail(CommandError::wrong_state);
  if (state_ == LinkState::disconnecting) return {};
  segments_.clear();
  rx_.clear();
  emit_frame(control::disc());
  state_ = LinkState::disconnecting;
  awaiting_ = Awaiting::disc_reply;
  retries_ = 0;
  arm(now);
  return {};
}

// ---------------------------------------------------------------------------------------------
// Transmission helpers

void Link::transmit_next_segment(TimePoint now) {
  if (segments_.empty()) return;
  Bytes chunk = std::move(segments_.front());
  segments_.pop_front();
  const bool more = !segments_.empty();
  emit_frame(control::i_frame(vs_, vr_, true), chunk, more);
  last_i_ = LastI{std::move(chunk), more, vs_};
  vs_ = inc(vs_);
  poll_held_ = false;
  retries_ = 0;
  if (config_.role == Role::client) {
    awaiting_ = more ? Awaiting::segment_ack : Awaiting::response;
  } else {
    awaiting_ = more ? Awaiting::segment_ack : Awaiting::none;
  }
  arm(now);
}

void Link::retransmit_last(TimePoint now) {
  if (!last_i_) return;
  emit_frame(control::i_frame(last_i_->ns, vr_, true), last_i_->info, last_i_->segmented);
  poll_held_ = false;
  arm(now);
}

// ---------------------------------------------------------------------------------------------
// Inputs

void Link::handle_timeout(TimePoint now) {
  if (!deadline_ || now < *deadline_) return;
  deadline_.reset();
  if (config_.role == Role::server) {
    if (state_ == LinkState::connected || state_ == LinkState::frame_reject) {
      reset_sequences();
      state_ = LinkState::disconnected;
      events_.push_back(Disconnected{false});
    }
    return;
  }
  if (awaiting_ == Awaiting::none) return;
  if (retries_ < config_.max_retries) {
    ++retries_;
    switch (awaiting_) {
      case Awaiting::ua: {
        const Bytes info = config_.proposed ? encode_parameters(*config_.proposed) : Bytes{};
        emit_frame(control::snrm(), info);
        break;
      }
      case Awaiting::disc_reply: emit_frame(control::disc()); break;
      default: emit_frame(control::rr(vr_, true)); break;  // poll: "what did you get?"
    }
    deadline_ = now + config_.response_timeout;
    return;
  }
  if (awaiting_ == Awaiting::disc_reply) {
    awaiting_ = Awaiting::none;
    state_ = LinkState::disconnected;
    events_.push_back(Disconnected{false});
    return;
  }
  fail(LinkError::timeout, "no answer within the response timeout");
}

void Link::handle_frame(const Frame& frame, TimePoint now) {
  if (!(frame.destination == config_.local)) return;
  if (config_.role == Role::client) {
    if (!(frame.source == peer_)) return;
    handle_client(frame, now);
  } else {
    if (!peer_.empty() && !(frame.source == peer_) && frame.type() != FrameType::snrm) return;
    if (!config_.peer.empty() && !(frame.source == config_.peer)) return;
    handle_server(frame, now);
  }
}

void Link::handle_client(const Frame& frame, TimePoint now) {
  const FrameType type = frame.type();
  switch (state_) {
    case LinkState::failed:
    case LinkState::disconnected:
    case LinkState::frame_reject:
      return;  // nothing expected; a late frame is ignored
    case LinkState::connecting:
      switch (type) {
        case FrameType::ua: {
          auto ua = decode_parameters(frame.info);
          if (!ua) {
            fail(LinkError::format, std::string("bad UA parameters: ") + std::string(to_label(ua.error())));
            return;
          }
          // The UA states the server's view; ours is the reverse, bounded by our own limits.
          LinkParameters mine = reversed(*ua);
          mine.max_info_tx = std::min(mine.max_info_tx, config_.limits.max_info_tx);
          mine.window_tx = std::min<std::uint32_t>(mine.window_tx, 1);
          mine.window_rx = std::min<std::uint32_t>(mine.window_rx, 1);
          params_ = mine;
          reset_sequences();
          state_ = LinkState::connected;
          deadline_.reset();
          events_.push_back(Connected{params_});
          return;
        }
        case FrameType::dm:
          fail(LinkError::dm, "peer answered SNRM with DM (disconnected mode: busy or refusing the link)");
          return;
        case FrameType::frmr: fail(LinkError::frmr, describe_frmr(frame.info)); return;
        default:
          fail(LinkError::unexpected_frame,
               "expected UA after SNRM, got " + std::string(to_label(type)) + " " + hex_byte(frame.control));
          return;
      }
    case LinkState::disconnecting:
      if (type == FrameType::ua || type == FrameType::dm) {
        awaiting_ = Awaiting::none;
        state_ = LinkState::disconnected;
        deadline_.reset();
        events_.push_back(Disconnected{true});
      }
      return;  // late I/RR frames before the UA are dropped
    case LinkState::connected:
      switch (type) {
        case FrameType::i: on_i_frame(frame, now); return;
        case FrameType::rr: on_rr(frame, now); return;
        case FrameType::rnr:
          if (control::recv_seq(frame.control) != vs_ && control::recv_seq(frame.control) != prev(vs_)) {
            fail(LinkError::sequence, "RNR with invalid N(R)");
            return;
          }
          arm(now);  // peer busy: keep waiting
          return;
        case FrameType::ui: return;
        case FrameType::dm:
          fail(LinkError::dm, "peer is in disconnected mode (DM): link dropped, e.g. inactivity timeout");
          return;
        case FrameType::frmr: fail(LinkError::frmr, describe_frmr(frame.info)); return;
        default:
          fail(LinkError::unexpected_frame,
               "unexpected " + std::string(to_label(type)) + " " + hex_byte(frame.control) + " while connected");
          return;
      }
  }
}

void Link::on_i_frame(const Frame& frame, TimePoint now) {
  const std::uint8_t ns = control::send_seq(frame.control);
  const std::uint8_t nr = control::recv_seq(frame.control);
  const bool client = config_.role == Role::client;

  // A repeat of the I-frame accepted last (the peer retransmitted after a lost RR, or a late
  // duplicate): N(S) = V(R)-1 and N(R) acknowledging our previous or current frame. It carries
  // nothing new; drop it instead of failing the session.
  if (client && ns == prev(vr_) && (nr == vs_ || nr == prev(vs_)) && rx_.empty()) {
    ++duplicates_;
    return;
  }
  if (client && awaiting_ != Awaiting::response && awaiting_ != Awaiting::next_segment) {
    fail(LinkError::unexpected_frame, "I-frame while no response is expected");
    return;
  }
  if (nr != vs_) {
    if (client) {
      fail(LinkError::sequence, "I-frame N(R)=" + std::to_string(nr) + " but V(S)=" + std::to_string(vs_));
    } else {
      server_reject(frame, kFrmrZ, "I-frame with invalid N(R)");
    }
    return;
  }
  if (ns != vr_) {
    if (ns == prev(vr_)) {
      // Duplicate: the peer repeated a frame we already have.
      if (!client) {
        if (last_i_) {
          retransmit_last(now);
        } else {
          emit_frame(control::rr(vr_, true));
        }
      }
      return;
    }
    if (client) {
      fail(LinkError::sequence, "I-frame N(S)=" + std::to_string(ns) + " but V(R)=" + std::to_string(vr_));
    } else {
      emit_frame(control::rr(vr_, true));  // tell the client what we expect
    }
    return;
  }
  if (!client && frame.info.size() > params_.max_info_rx) {
    server_reject(frame, kFrmrY, "I-frame longer than the negotiated max-info length");
    return;
  }

  vr_ = inc(vr_);
  last_i_.reset();  // N(R) acknowledged our last frame
  retries_ = 0;
  if (rx_.size() + frame.info.size() > kMaxApdu + 3) {
    if (client) {
      fail(LinkError::segmentation, "reassembled information field exceeds 64 KiB");
    } else {
      server_reject(frame, kFrmrY, "reassembled information field too long");
    }
    return;
  }
  rx_.insert(rx_.end(), frame.info.begin(), frame.info.end());
  if (frame.segmented) {
    emit_frame(control::rr(vr_, true));
    awaiting_ = Awaiting::next_segment;
    arm(now);
    return;
  }

  Bytes info = std::move(rx_);
  rx_.clear();
  const auto& llc = client ? kLlcResponse : kLlcRequest;
  if (info.size() < 3 || !std::equal(llc.begin(), llc.end(), info.begin())) {
    if (client) {
      fail(LinkError::format, "I-frame information field without LLC header " + hex_byte(llc[0]) + " " +
                                  hex_byte(llc[1]) + " " + hex_byte(llc[2]));
    } else {
      server_reject(frame, kFrmrW, "I-frame without LLC request header");
    }
    return;
  }
  awaiting_ = Awaiting::none;
  if (client) {
    deadline_.reset();
  } else {
    poll_held_ = true;
    arm(now);
  }
  events_.push_back(ApduReceived{Bytes(info.begin() + 3, info.end())});
}

void Link::on_rr(const Frame& frame, TimePoint now) {
  const std::uint8_t nr = control::recv_seq(frame.control);
  const bool client = config_.role == Role::client;
  if (nr == vs_) {
    // Everything we sent is acknowledged.
    last_i_.reset();
    if (!segments_.empty()) {
      transmit_next_segment(now);
      return;
    }
    if (client) {
      // The server has our request but no answer yet (or answered RR to our poll): keep waiting.
      if (awaiting_ == Awaiting::segment_ack) awaiting_ = Awaiting::response;
      return;
    }
    // Server polled with nothing to say: the RR answers (returns) the poll.
    emit_frame(control::rr(vr_, true));
    poll_held_ = false;
    arm(now);
    return;
  }
  if (nr == prev(vs_) && last_i_) {
    retransmit_last(now);  // the peer did not get our last I-frame
    return;
  }
  if (client) {
    fail(LinkError::sequence, "RR N(R)=" + std::to_string(nr) + " but V(S)=" + std::to_string(vs_));
  } else {
    server_reject(frame, kFrmrZ, "RR with invalid N(R)");
  }
}

void Link::server_reject(const Frame& frame, std::uint8_t reason_bits, std::string message) {
  frmr_info_ = Bytes{frame.control, static_cast<std::uint8_t>((vr_ << 5) | (vs_ << 1)), reason_bits};
  emit_frame(control::frmr(true), frmr_info_);
  state_ = LinkState::frame_reject;
  segments_.clear();
  rx_.clear();
  events_.push_back(Failed{reason_bits == kFrmrZ ? LinkError::sequence : LinkError::unexpected_frame,
                           std::move(message)});
}

void Link::handle_server(const Frame& frame, TimePoint now) {
  const FrameType type = frame.type();
  // Outside a link every answer (UA, DM) goes to whoever asked.
  if (state_ != LinkState::connected && state_ != LinkState::frame_reject) peer_ = frame.source;
  if (type == FrameType::snrm) {
    auto proposal = decode_parameters(frame.info);
    if (!proposal) {
      const std::uint8_t bits = kFrmrW;
      peer_ = frame.source;
      frmr_info_ = Bytes{frame.control, 0, bits};
      emit_frame(control::frmr(true), frmr_info_);
      events_.push_back(Failed{LinkError::format, "SNRM with malformed parameters"});
      return;
    }
    const LinkParameters& p = *proposal;  // the client's view
    params_.max_info_tx = std::min(config_.limits.max_info_tx, p.max_info_rx);
    params_.max_info_rx = std::min(config_.limits.max_info_rx, p.max_info_tx);
    params_.window_tx = 1;
    params_.window_rx = 1;
    peer_ = frame.source;
    reset_sequences();
    emit_frame(control::ua(true), encode_parameters(params_, config_.ua_parameter_width));
    state_ = LinkState::connected;
    arm(now);
    events_.push_back(Connected{params_});
    return;
  }
  if (type == FrameType::disc) {
    if (state_ == LinkState::connected || state_ == LinkState::frame_reject) {
      emit_frame(control::ua(true), encode_parameters(params_, config_.ua_parameter_width));
      reset_sequences();
      state_ = LinkState::disconnected;
      deadline_.reset();
      events_.push_back(Disconnected{true});
    } else {
      emit_frame(control::dm(true));
    }
    return;
  }
  if (type == FrameType::ui) return;
  switch (state_) {
    case LinkState::disconnected:
    case LinkState::connecting:
    case LinkState::disconnecting:
    case LinkState::failed:
      if (control::poll_final(frame.control)) emit_frame(control::dm(true));
      return;
    case LinkState::frame_reject:
      emit_frame(control::frmr(true), frmr_info_);
      return;
    case LinkState::connected:
      arm(now);
      switch (type) {
        case FrameType::i: on_i_frame(frame, now); return;
        case FrameType::rr: on_rr(frame, now); return;
        case FrameType::rnr: return;
        default: server_reject(frame, kFrmrW, "undefined or unexpected control field"); return;
      }
  }
}

}  // namespace dlms::hdlc
