// The HLS-GMAC client (AARE with GMAC, reply_to_HLS_authentication, ciphered GET responses)
// fed by the input as the meter (the seed is a valid Green Book meter transcript, so ciphered GET
// responses are reached too). Invariants: no crash, a failed client stays failed.
#include <chrono>
#include <cstdint>
#include <cstdlib>

#include "dlms/cosem/client.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dlms;
  if (size == 0) return 0;
  cosem::ClientConfig cc;
  cc.mechanism = cosem::Mechanism::hls_gmac;
  cosem::CipheringConfig c;
  c.system_title = {0x4D, 0x4D, 0x4D, 0x00, 0x00, 0x00, 0x00, 0x01};
  c.keys = {{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F},
            {0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF}};
  c.invocation_counter = 1;
  c.challenge = {0x4B, 0x35, 0x36, 0x69, 0x56, 0x61, 0x67, 0x59};
  cc.ciphering = c;
  cosem::Client client(cc);
  const auto now = cosem::TimePoint{} + std::chrono::seconds(1);
  if (!client.associate(now)) std::abort();
  const cosem::AttributeDescriptor reg{3, cosem::Obis{{1, 1, 32, 7, 0, 255}}, 2, std::nullopt};
  while (client.poll_transmit()) {
  }
  // The input is a sequence of APDUs, each prefixed by one length byte.
  std::size_t off = 0;
  bool failed = false;
  while (off < size) {
    const std::size_t len = std::min<std::size_t>(data[off], size - off - 1);
    client.handle_apdu(ByteSpan(data + off + 1, len), now);
    off += 1 + len;
    while (client.poll_transmit()) {
    }
    while (auto e = client.poll_event()) {
      if (std::holds_alternative<cosem::ClientFailed>(*e)) failed = true;
      if (std::holds_alternative<cosem::Associated>(*e) || std::holds_alternative<cosem::GetResult>(*e)) {
        (void)client.get(reg, now);
      }
    }
    if (failed && client.state() != cosem::ClientState::failed) std::abort();
  }
  return 0;
}
