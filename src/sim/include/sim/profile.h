#pragma once
// Meter profiles: the behaviour that differs between meter families. `microstar` follows
// docs/protocol.md (§1.6 UA, §1.7 AARE, §1.15 quirks); `generic` is a standard IEC 62056
// meter with B=0 OBIS codes, 2/4-byte addressing and GET-with-list.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "bridge/result.h"
#include "dlms/bytes.h"

namespace sim {

enum class ProfileKind { microstar, generic };
constexpr std::string_view to_label(ProfileKind kind) {
  return kind == ProfileKind::microstar ? "microstar" : "generic";
}

// One client SAP that must associate with HLS-GMAC (mechanism 5, security suite 0) and cipher
// every APDU (docs/protocol.md 1.22). Defaults: the Green Book example's server system title and keys.
struct HlsGmacClient {
  std::uint8_t client_sap = 1;
  dlms::Bytes system_title{0x4D, 0x4D, 0x4D, 0x00, 0x00, 0xBC, 0x61, 0x4E};  // the meter's
  dlms::Bytes block_cipher_key{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                               0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F};
  dlms::Bytes authentication_key{0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7,
                                 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF};
  std::uint8_t security_control = 0x30;  // the meter's policy: 0x10, 0x20 or 0x30
};

struct Profile {
  ProfileKind kind = ProfileKind::microstar;
  std::uint8_t obis_channel = 1;        // OBIS B of the metering registers (1-1:32.7.0 vs 1-0:32.7.0)
  std::uint16_t max_info_tx = 128;      // largest info field the meter sends (negotiated down by SNRM)
  std::uint16_t max_info_rx = 128;      // largest info field the meter accepts
  std::uint8_t window = 1;              // HDLC window (tx = rx)
  bool single_association = true;       // a second AARQ while one is open is rejected as busy
  bool accept_one_byte_address = true;  // server address `03` (logical 0, physical 1 in the field's form)
  // The Microstar accepts I-frames whose N(R) still acknowledges one frame too few (the
  // previous system's V(R) = N(S) [BUG], docs/protocol.md 1.5); other meters answer FRMR.
  bool tolerate_stale_nr = true;
  std::chrono::milliseconds idle_timeout{180'000};  // association + link dropped after this long without a valid frame
  std::uint32_t conformance = 0x00301D;    // negotiated xDLMS conformance offered by the meter
  std::uint16_t max_pdu = 0x1900;          // server-max-receive-pdu-size in the AARE
  double nominal_voltage = 135.0;          // volts (field observation: 135..137 V)
  double nominal_frequency = 60.0;         // hertz
  double nominal_current = 1.3;            // amperes
  // Client SAP -> password. An empty string is a public client (no authentication).
  std::map<std::uint8_t, std::string> passwords{{16, ""}, {1, "22222222"}, {17, "00000000"}, {32, "11111111"}};

  // The client SAP that speaks HLS-GMAC (its entry in `passwords` is ignored), if any.
  std::optional<HlsGmacClient> hls_gmac;

  bool multiple_references() const { return (conformance & 0x000200) != 0; }
  bool block_transfer_with_get() const { return (conformance & 0x001000) != 0; }
};

Profile make_profile(ProfileKind kind);
bridge::Result<ProfileKind, std::string> parse_profile(std::string_view name);

}  // namespace sim
