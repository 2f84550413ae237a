#pragma once
// A DLMS client for simulator tests, built only from the dlms codec (hdlc::Link client role +
// cosem::Client, or the wrapper codec), over any byte pipe: in memory (ServerSession) or TCP.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <variant>
#include <vector>

#include "dlms/cosem/client.h"
#include "dlms/hdlc/frame_decoder.h"
#include "dlms/hdlc/link.h"
#include "dlms/wrapper.h"

namespace sim_test {

namespace hdlc = dlms::hdlc;
namespace cosem = dlms::cosem;

struct Pipe {
  std::function<void(const dlms::Bytes&)> send;
  // Bytes that arrived within the timeout (empty: nothing / closed).
  std::function<dlms::Bytes(std::chrono::milliseconds)> receive;
};

struct ClientOptions {
  bool wrapper = false;
  hdlc::ServerAddress server{0, 1, 1};
  std::uint8_t client_sap = 1;
  std::uint16_t wrapper_destination = 1;
  std::optional<std::string> password = "22222222";  // nullopt: public client (no authentication)
  std::uint16_t max_receive_pdu = 1200;
  std::uint32_t conformance = cosem::conformance::kProductionProposal;
  std::optional<hdlc::LinkParameters> proposed;  // SNRM parameters (nullopt: empty SNRM)
  std::optional<cosem::CipheringConfig> ciphering;  // HLS-GMAC instead of the password
};

class DlmsTestClient {
 public:
  DlmsTestClient(Pipe pipe, ClientOptions o) : pipe_(std::move(pipe)), o_(std::move(o)), cosem_(cosem_config(o_)) {
    hdlc::LinkConfig c;
    c.role = hdlc::Role::client;
    c.local = *hdlc::encode_client_address(o_.client_sap);
    c.peer = *hdlc::encode_server_address(o_.server);
    c.proposed = o_.proposed;
    c.response_timeout = std::chrono::seconds(30);
    link_.emplace(c);
  }

  // SNRM/UA (no-op with the wrapper).
  bool connect() {
    if (o_.wrapper) return true;
    if (!link_->connect(now())) return false;
    return pump([&] { return connected_ || failed_; }) && connected_;
  }
  std::variant<cosem::Associated, cosem::ClientFailed> associate() {
    if (!cosem_.associate(now())) return cosem::ClientFailed{cosem::FailReason::protocol, "associate refused", {}};
    pump([&] { return associated_ || client_failed_; });
    if (associated_) return *associated_;
    if (client_failed_) return *client_failed_;
    return cosem::ClientFailed{cosem::FailReason::timeout, "no AARE", {}};
  }
  std::vector<cosem::GetResult> get(const std::vector<cosem::AttributeDescriptor>& list) {
    results_.clear();
    if (!cosem_.get(std::span<const cosem::AttributeDescriptor>(list), now())) return {};
    pump([&] {
      return results_.size() >= (list.size() > 1 && with_list() ? list.size() : list.size()) || client_failed_;
    });
    return results_;
  }
  std::optional<cosem::GetDataResult> get(std::uint16_t class_id, std::string_view obis, std::int8_t attribute) {
    auto o = cosem::parse_obis(obis);
    EXPECT_TRUE(o) << obis;
    auto r = get({cosem::AttributeDescriptor{class_id, *o, attribute, std::nullopt}});
    if (r.size() != 1) return std::nullopt;
    return r[0].result;
  }
  std::optional<cosem::SetResult> set(const cosem::AttributeDescriptor& d, cosem::Value value) {
    set_result_.reset();
    if (!cosem_.set(d, std::move(value), now())) return std::nullopt;
    pump([&] { return set_result_.has_value() || client_failed_; });
    return set_result_;
  }
  std::uint64_t protocol_warnings() const { return cosem_.protocol_warnings(); }
  std::uint32_t invocation_counter() const { return cosem_.invocation_counter(); }
  bool release() {
    if (!cosem_.release(now())) return false;
    pump([&] { return released_ || client_failed_; });
    return released_;
  }
  bool disconnect() {
    if (o_.wrapper) return true;
    disconnected_ = false;
    if (!link_->disconnect(now())) return false;
    pump([&] { return disconnected_; });
    return disconnected_;
  }

  // Sends raw bytes as they are (strictness tests).
  void send_raw(const dlms::Bytes& b) { pipe_.send(b); }
  const std::optional<cosem::ClientFailed>& client_failure() const { return client_failed_; }
  bool link_failed() const { return failed_; }
  std::string link_failure() const { return link_failure_; }
  hdlc::Link& link() { return *link_; }
  std::size_t frames_received() const { return frames_received_; }
  std::vector<dlms::Bytes> frames;  // every frame / wrapper message received

 private:
  static cosem::ClientConfig cosem_config(const ClientOptions& o) {
    cosem::ClientConfig c;
    if (o.password) {
      c.mechanism = cosem::Mechanism::lls;
      c.password = dlms::Bytes(o.password->begin(), o.password->end());
    }
    if (o.ciphering) {
      c.mechanism = cosem::Mechanism::hls_gmac;
      c.password.reset();
      c.ciphering = o.ciphering;
    }
    c.max_receive_pdu = o.max_receive_pdu;
    c.proposed_conformance = o.conformance;
    c.response_timeout = std::nullopt;
    return c;
  }
  bool with_list() const { return (cosem_.conformance() & cosem::conformance::kMultipleReferences) != 0; }
  static hdlc::TimePoint now() { return hdlc::Clock::now(); }

  void flush() {
    while (auto apdu = cosem_.poll_transmit()) {
      if (o_.wrapper) {
        auto m = dlms::wrapper::encode({o_.client_sap, o_.wrapper_destination, std::move(*apdu)});
        pipe_.send(*m);
      } else {
        (void)link_->send(*apdu, now());
      }
    }
    if (!o_.wrapper) {
      while (auto b = link_->poll_transmit()) pipe_.send(*b);
    }
  }
  void on_apdu(const dlms::Bytes& apdu) {
    cosem_.handle_apdu(apdu, now());
    while (auto e = cosem_.poll_event()) {
      if (auto* a = std::get_if<cosem::Associated>(&*e)) associated_ = *a;
      if (auto* g = std::get_if<cosem::GetResult>(&*e)) results_.push_back(*g);
      if (auto* s = std::get_if<cosem::SetResult>(&*e)) set_result_ = *s;
      if (std::get_if<cosem::Released>(&*e)) released_ = true;
      if (auto* f = std::get_if<cosem::ClientFailed>(&*e)) client_failed_ = *f;
    }
  }
  void on_bytes(const dlms::Bytes& bytes) {
    if (o_.wrapper) {
      wrapper_decoder_.feed(bytes);
      for (;;) {
        auto r = wrapper_decoder_.next();
        auto* m = std::get_if<dlms::wrapper::Message>(&r);
        if (!m) {
          if (std::get_if<dlms::wrapper::WrapperError>(&r)) continue;
          break;
        }
        frames.push_back(m->apdu);
        ++frames_received_;
        on_apdu(m->apdu);
      }
      return;
    }
    decoder_.feed(bytes);
    for (;;) {
      auto r = decoder_.next();
      auto* f = std::get_if<hdlc::Frame>(&r);
      if (!f) {
        if (std::get_if<hdlc::FrameError>(&r)) continue;
        break;
      }
      ++frames_received_;
      frames.push_back(*hdlc::encode(*f));
      link_->handle_frame(*f, now());
      while (auto e = link_->poll_event()) {
        if (std::get_if<hdlc::Connected>(&*e)) connected_ = true;
        if (std::get_if<hdlc::Disconnected>(&*e)) disconnected_ = true;
        if (auto* failed = std::get_if<hdlc::Failed>(&*e)) {
          failed_ = true;
          link_failure_ = failed->message;
        }
        if (auto* a = std::get_if<hdlc::ApduReceived>(&*e)) on_apdu(a->apdu);
      }
    }
  }
  bool pump(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    auto end = std::chrono::steady_clock::now() + limit;
    flush();
    while (!done() && std::chrono::steady_clock::now() < end) {
      auto bytes = pipe_.receive(std::chrono::milliseconds(200));
      if (!bytes.empty()) on_bytes(bytes);
      flush();
    }
    return done();
  }

  Pipe pipe_;
  ClientOptions o_;
  std::optional<hdlc::Link> link_;
  cosem::Client cosem_;
  hdlc::FrameDecoder decoder_;
  dlms::wrapper::WrapperDecoder wrapper_decoder_;
  bool connected_ = false;
  bool disconnected_ = false;
  bool failed_ = false;
  bool released_ = false;
  std::string link_failure_;
  std::optional<cosem::Associated> associated_;
  std::optional<cosem::ClientFailed> client_failed_;
  std::vector<cosem::GetResult> results_;
  std::optional<cosem::SetResult> set_result_;
  std::size_t frames_received_ = 0;
};

}  // namespace sim_test
