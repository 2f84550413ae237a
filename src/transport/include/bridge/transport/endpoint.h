#pragma once
// Everything needed to reach one meter, and the deadline of each protocol step.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bridge/transport/object_names.h"

namespace bridge::transport {

// HLS-GMAC (mechanism 5, security suite 0, docs/protocol.md 1.22). The keys never leave this
// struct except into the codec; nothing logs them.
struct HlsGmacSettings {
  std::vector<std::uint8_t> system_title;        // ours (calling AP title), 8 bytes
  std::vector<std::uint8_t> block_cipher_key;    // EK, 16 bytes
  std::vector<std::uint8_t> authentication_key;  // AK, 16 bytes
  std::uint8_t security_control = 0x30;          // the meter's policy: 0x10, 0x20 or 0x30
  bool general_glo = false;                      // general-glo-ciphering (DB) instead of the glo- tags
  // Read the meter's record of our invocation counter (Data, attribute 2) through the public
  // client without security before associating, and continue above it.
  std::optional<LogicalName> invocation_counter_obis;
  std::uint8_t public_client_sap = 16;
};

struct MeterEndpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4059;
  enum class Kind { hdlc, wrapper } kind = Kind::hdlc;  // raw HDLC on TCP, or the IEC 62056-47 wrapper
  std::uint8_t client_sap = 1;                          // 1 = Microstar LLS client, 16 = public client
  std::uint16_t server_logical = 0;                     // Microstar field profile: 0 / 1, 1-byte address 0x03
  std::uint16_t server_physical = 1;
  int address_size = 1;                                 // HDLC server address bytes: 1, 2 or 4
  enum class Auth { none, low, hls_gmac } auth = Auth::low;
  std::string password = "22222222";                    // LLS secret (Microstar SAP 1 label default)
  HlsGmacSettings hls;                                  // auth == hls_gmac only
  std::uint16_t wrapper_client_wport = 1;               // wrapper only: source wPort (= client SAP normally)
  std::uint16_t wrapper_server_wport = 1;               // wrapper only: destination wPort (server logical)
  // Release the association with RLRQ/RLRE before DISC (COSEM A-RELEASE). Off by default: the
  // Microstar has no A-RELEASE and ends the association with the HDLC link.
  bool release = false;
};

struct Timeouts {
  std::chrono::milliseconds connect{7000};           // TCP connect (field value 7 s)
  std::chrono::milliseconds request{7000};           // each request/response: SNRM, AARQ, every GET
  std::chrono::milliseconds disc{2000};              // DISC -> UA wait at close
  std::chrono::milliseconds drain_on_connect{200};   // discard unsolicited bytes after connect
};

std::string_view to_label(MeterEndpoint::Kind kind);
std::string_view to_label(MeterEndpoint::Auth auth);

}  // namespace bridge::transport
