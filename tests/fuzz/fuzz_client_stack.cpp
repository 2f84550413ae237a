// The client stack as the bridge runs it: bytes -> FrameDecoder -> hdlc::Link -> cosem::Client,
// with the client's requests going back through the Link. The input plays the meter. Invariants:
// no crash, no unbounded growth, a failed Link/Client stays failed.
#include <chrono>
#include <cstdint>
#include <cstdlib>

#include "dlms/cosem/client.h"
#include "dlms/hdlc/frame_decoder.h"
#include "dlms/hdlc/link.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dlms;
  if (size == 0) return 0;
  hdlc::LinkConfig config;
  config.role = hdlc::Role::client;
  config.local = *hdlc::encode_client_address(1);
  config.peer = *hdlc::encode_server_address({0, 1, 1});
  hdlc::Link link(config);
  hdlc::FrameDecoder decoder;
  cosem::ClientConfig cc;
  cc.mechanism = cosem::Mechanism::lls;
  cc.password = Bytes{'2', '2', '2', '2', '2', '2', '2', '2'};
  cosem::Client client(cc);
  auto now = hdlc::TimePoint{} + std::chrono::seconds(10);
  (void)link.connect(now);
  const cosem::AttributeDescriptor reg{3, *cosem::parse_obis("1-1:32.7.0"), 2, std::nullopt};

  const std::size_t chunk = 1 + data[0] % 32;
  ByteSpan in(data + 1, size - 1);
  bool link_failed = false;
  for (std::size_t off = 0; off <= in.size(); off += chunk) {
    if (off < in.size()) decoder.feed(in.subspan(off, std::min(chunk, in.size() - off)));
    for (;;) {
      auto r = decoder.next();
      if (std::holds_alternative<NeedData>(r)) break;
      if (auto* f = std::get_if<hdlc::Frame>(&r)) link.handle_frame(*f, now);
    }
    while (link.poll_transmit()) {
    }
    while (auto e = link.poll_event()) {
      if (std::holds_alternative<hdlc::Connected>(*e)) (void)client.associate(now);
      if (auto* a = std::get_if<hdlc::ApduReceived>(&*e)) client.handle_apdu(a->apdu, now);
      if (std::holds_alternative<hdlc::Failed>(*e)) link_failed = true;
    }
    while (auto e = client.poll_event()) {
      if (std::holds_alternative<cosem::Associated>(*e) || std::holds_alternative<cosem::GetResult>(*e)) {
        (void)client.get(reg, now);
      }
    }
    while (auto apdu = client.poll_transmit()) (void)link.send(*apdu, now);
    if (link_failed && link.state() != hdlc::LinkState::failed) std::abort();
    now += std::chrono::seconds(1);
    link.handle_timeout(now);
    client.handle_timeout(now);
  }
  return 0;
}
