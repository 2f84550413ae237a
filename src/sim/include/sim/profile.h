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

namespace sim {

enum class ProfileKind { microstar, generic };
constexpr std::string_view to_label(ProfileKind kind) {
  return kind == ProfileKind::microstar ? "microstar" : "generic";
}

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

  bool multiple_references() const { return (conformance & 0x000200) != 0; }
  bool block_transfer_with_get() const { return (conformance & 0x001000) != 0; }
};

Profile make_profile(ProfileKind kind);
bridge::Result<ProfileKind, std::string> parse_profile(std::string_view name);

}  // namespace sim
