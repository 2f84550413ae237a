#include "sim/server_session.h"

#include <algorithm>
#include <variant>

#include "bridge/log.h"
#include "cosem_server.h"
#include "dlms/hdlc/frame_decoder.h"
#include "dlms/hdlc/link.h"
#include "dlms/wrapper.h"

namespace sim {

namespace hdlc = dlms::hdlc;

// Transport state of a session: HDLC (decoder + link) or wrapper (decoder + idle deadline).
class SessionLink {
 public:
  hdlc::FrameDecoder frames;
  std::optional<hdlc::Link> link;
  dlms::wrapper::WrapperDecoder messages;
  std::uint16_t wrapper_client = 0;  // source wPort of the association's client
  std::uint16_t wrapper_server = 0;  // destination wPort the client used
  std::optional<SteadyTime> wrapper_deadline;
};

namespace {

double seconds_since(SteadyTime start, SteadyTime now) {
  return std::chrono::duration<double>(now - start).count();
}

// Does `meter` answer server address `a`? Meter k answers physical address k with logical
// address 1 (0 too on the Microstar); 1-byte addresses only on profiles that accept them. On
// its own port a meter also answers physical address 1, the field's per-IP setting
// (docs/protocol.md 1.15), unless its address was set explicitly (--physical-address).
bool answers(const Meter& meter, const hdlc::ServerAddress& a, bool shared) {
  const Profile& p = meter.profile();
  const bool field_alias = !shared && !meter.has_explicit_address() && a.physical == 1;
  bool physical_ok = a.physical == meter.physical_address() || field_alias;
  if (a.size == 1) return p.accept_one_byte_address && physical_ok;
  bool logical_ok = a.logical == 1 || (p.kind == ProfileKind::microstar && a.logical == 0);
  return logical_ok && physical_ok;
}

}  // namespace

ServerSession::ServerSession(Fleet& fleet, Transport transport, Meter* meter, bool shared, SteadyTime now)
    : fleet_(fleet), transport_(transport), meter_(meter), shared_(shared), link_(std::make_unique<SessionLink>()) {
  (void)now;
}

ServerSession::~ServerSession() {
  release();
}

bool ServerSession::accept() {
  if (!meter_) return true;  // shared port: the meter is known with the first frame
  return bind(*meter_);
}

bool ServerSession::bind(Meter& meter) {
  meter_ = &meter;
  if (meter.faults().close_on_accept) {
    meter.counts().add(FaultKind::close_on_accept);
    close_ = Close::now;
    return false;
  }
  if (shared_ && meter.faults().refuse) {
    meter.counts().add(FaultKind::refuse);
    close_ = Close::now;
    return false;
  }
  ++meter.stats().connections;
  ++meter.open_connections;
  meter.stats().peak_open_connections = std::max<std::uint64_t>(meter.stats().peak_open_connections, meter.open_connections);
  bound_ = true;
  return true;
}

void ServerSession::release() {
  if (cosem_) {
    cosem_->release();
    cosem_.reset();
  }
  if (bound_ && meter_) {
    --meter_->open_connections;
    bound_ = false;
  }
}

void ServerSession::emit(dlms::Bytes bytes, bool hdlc_frame, bool response) {
  if (meter_ && bound_) {
    ++meter_->stats().frames_sent;
    if (hdlc_frame && bytes.size() > 5) {
      // Control byte follows the two address fields.
      std::size_t pos = 3;
      for (int field = 0; field < 2 && pos < bytes.size(); ++field) {
        while (pos < bytes.size() && (bytes[pos] & 0x01) == 0) ++pos;
        ++pos;
      }
      if (pos < bytes.size()) {
        auto type = hdlc::control::classify(bytes[pos]);
        if (type == hdlc::FrameType::dm) ++meter_->stats().dm_sent;
        if (type == hdlc::FrameType::frmr) ++meter_->stats().frmr_sent;
      }
    }
  }
  if (bridge::log::enabled(bridge::log::Level::debug)) {
    bridge::log::debug("tx", {{"meter", meter_ ? meter_->id() : 0U}, {"hex", dlms::to_hex(bytes)}});
  }
  out_.push_back(Output{std::move(bytes), hdlc_frame, response});
}

std::optional<Output> ServerSession::poll_transmit() {
  if (out_.empty()) return std::nullopt;
  Output o = std::move(out_.front());
  out_.pop_front();
  return o;
}

std::optional<SteadyTime> ServerSession::poll_timeout() const {
  if (transport_ == Transport::hdlc) return link_->link ? link_->link->poll_timeout() : std::nullopt;
  return link_->wrapper_deadline;
}

void ServerSession::handle_timeout(SteadyTime now) {
  if (transport_ == Transport::hdlc) {
    if (!link_->link) return;
    link_->link->handle_timeout(now);
    drain_link(now, WallTime{});
    return;
  }
  if (link_->wrapper_deadline && now >= *link_->wrapper_deadline) {
    link_->wrapper_deadline.reset();
    if (meter_) ++meter_->stats().idle_timeouts;
    end_association();
    close_ = Close::now;  // a wrapper meter closes the TCP connection when it forgets the client
  }
}

void ServerSession::handle_bytes(dlms::ByteSpan bytes, SteadyTime now, WallTime wall) {
  if (close_ != Close::no) return;
  if (bridge::log::enabled(bridge::log::Level::debug)) {
    bridge::log::debug("rx", {{"meter", meter_ ? meter_->id() : 0U}, {"hex", dlms::to_hex(bytes)}});
  }
  if (transport_ == Transport::hdlc) {
    link_->frames.feed(bytes);
    handle_hdlc(now, wall);
  } else {
    link_->messages.feed(bytes);
    handle_wrapper(now, wall);
  }
}

// Common per-request faults; true when the request must not be processed.
bool ServerSession::intercept_request() {
  if (meter_->swallow_request()) return true;
  if (meter_->random().chance(meter_->faults().disconnect)) {
    meter_->counts().add(FaultKind::disconnect);
    close_ = Close::now;
    return true;
  }
  return false;
}

void ServerSession::handle_hdlc(SteadyTime now, WallTime wall) {
  while (close_ == Close::no) {
    auto result = link_->frames.next();
    if (auto* error = std::get_if<hdlc::FrameError>(&result)) {
      // A real meter discards frames with a bad HCS/FCS or length without answering.
      if (meter_ && bound_) ++meter_->stats().bad_frames;
      bridge::log::debug("bad frame", {{"meter", meter_ ? meter_->id() : 0U},
                                       {"kind", dlms::to_label(error->kind)},
                                       {"hex", dlms::to_hex(error->raw)}});
      continue;
    }
    auto* frame = std::get_if<hdlc::Frame>(&result);
    if (!frame) return;  // need more data

    auto address = hdlc::decode_server_address(frame->destination);
    Meter* target = nullptr;
    if (address) {
      if (!bound_ && shared_) {
        // Fleet port: the physical address selects the meter (1-byte fields carry it too).
        Meter* candidate = fleet_.find(address->physical);
        if (candidate && answers(*candidate, *address, true)) target = candidate;
      } else if (meter_ && answers(*meter_, *address, shared_)) {
        target = meter_;
      }
    }
    bool same_link = !link_->link || frame->destination == local_;
    if (!target || (bound_ && target != meter_) || !same_link) {
      // Nobody (or another meter, on a connection already bound) has this address: DM.
      if (hdlc::control::poll_final(frame->control)) {
        hdlc::Frame dm;
        dm.destination = frame->source;
        dm.source = frame->destination;
        dm.control = hdlc::control::dm(true);
        if (auto encoded = hdlc::encode(dm)) emit(std::move(*encoded), true, true);
      }
      continue;
    }
    if (!bound_ && !bind(*target)) return;
    ++meter_->stats().frames_received;
    if (intercept_request()) continue;

    if (!link_->link) {
      const Profile& p = meter_->profile();
      hdlc::LinkConfig config;
      config.role = hdlc::Role::server;
      config.local = frame->destination;
      config.limits = hdlc::LinkParameters{p.max_info_tx, p.max_info_rx, p.window, p.window};
      config.ua_parameter_width =
          p.kind == ProfileKind::microstar ? hdlc::ParameterWidth::minimal : hdlc::ParameterWidth::two_bytes;
      config.inactivity_timeout = p.idle_timeout;
      link_->link.emplace(config);
      local_ = frame->destination;
    }
    auto& link = *link_->link;
    if (meter_->profile().tolerate_stale_nr && frame->type() == hdlc::FrameType::i &&
        link.state() == hdlc::LinkState::connected &&
        hdlc::control::recv_seq(frame->control) == ((link.send_sequence() + 7) & 7)) {
      // Firmware tolerance: treat the stale N(R) as acknowledging our last frame.
      frame->control = hdlc::control::i_frame(hdlc::control::send_seq(frame->control), link.send_sequence(),
                                              hdlc::control::poll_final(frame->control));
    }
    link.handle_frame(*frame, now);
    drain_link(now, wall);
  }
}

void ServerSession::drain_link(SteadyTime now, WallTime wall) {
  auto& link = *link_->link;
  for (;;) {
    while (auto bytes = link.poll_transmit()) emit(std::move(*bytes), true, true);
    auto event = link.poll_event();
    if (!event) break;
    if (std::holds_alternative<hdlc::Connected>(*event)) {
      end_association();  // SNRM resets the link and whatever association it carried
    } else if (auto* d = std::get_if<hdlc::Disconnected>(&*event)) {
      if (!d->acknowledged && meter_) {
        ++meter_->stats().idle_timeouts;
        bridge::log::info("inactivity timeout: link dropped", {{"meter", meter_->id()}});
      } else if (meter_ && cosem_ && cosem_->associated()) {
        ++meter_->stats().releases;  // the client's DISC ended the association
      }
      end_association();
    } else if (auto* apdu = std::get_if<hdlc::ApduReceived>(&*event)) {
      if (!cosem_) {
        auto sap = hdlc::decode_client_address(link.peer());
        cosem_ = std::make_unique<CosemServer>(*meter_, sap ? *sap : 0, hdlc::kMaxApdu);
      }
      auto response = cosem_->handle(apdu->apdu, seconds_since(fleet_.start(), now), wall);
      if (response) {
        if (auto sent = link.send(*response, now); !sent) {
          bridge::log::warn("response not sent", {{"meter", meter_->id()}, {"error", hdlc::to_label(sent.error())}});
        }
      }
    } else if (auto* failed = std::get_if<hdlc::Failed>(&*event)) {
      bridge::log::debug("frame rejected", {{"meter", meter_->id()}, {"reason", failed->message}});
    }
  }
}

void ServerSession::end_association() {
  if (cosem_) {
    cosem_->release();
    cosem_.reset();
  }
}

void ServerSession::handle_wrapper(SteadyTime now, WallTime wall) {
  namespace wrapper = dlms::wrapper;
  while (close_ == Close::no) {
    auto result = link_->messages.next();
    if (std::get_if<wrapper::WrapperError>(&result)) {
      if (meter_ && bound_) ++meter_->stats().bad_frames;
      continue;
    }
    auto* message = std::get_if<wrapper::Message>(&result);
    if (!message) return;
    Meter* target = nullptr;
    if (!bound_ && shared_) {
      target = fleet_.find(message->destination);
    } else if (meter_ && (message->destination == wrapper::kManagementWport ||
                          message->destination == meter_->physical_address())) {
      target = meter_;
    }
    if (!target || (bound_ && target != meter_)) continue;  // the wrapper has no DM: ignore
    if (!bound_ && !bind(*target)) return;
    ++meter_->stats().frames_received;
    if (intercept_request()) continue;

    link_->wrapper_deadline = now + meter_->profile().idle_timeout;
    if (cosem_ && message->source != link_->wrapper_client) end_association();
    if (!cosem_) {
      link_->wrapper_client = message->source;
      link_->wrapper_server = message->destination;
      cosem_ = std::make_unique<CosemServer>(*meter_, message->source, 0xFFFF);
    }
    auto response = cosem_->handle(message->apdu, seconds_since(fleet_.start(), now), wall);
    if (!response) continue;
    wrapper::Message reply{message->destination, message->source, std::move(*response)};
    if (auto encoded = wrapper::encode(reply)) emit(std::move(*encoded), false, true);
  }
}

}  // namespace sim
