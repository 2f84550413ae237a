#include "sim/profile.h"

namespace sim {

Profile make_profile(ProfileKind kind) {
  Profile p;  // defaults are the Microstar
  if (kind == ProfileKind::generic) {
    p.kind = ProfileKind::generic;
    p.obis_channel = 0;
    p.max_info_tx = 128;  // HDLC default until SNRM proposes more
    p.max_info_rx = 128;
    p.window = 1;
    p.single_association = false;
    p.accept_one_byte_address = false;
    p.tolerate_stale_nr = false;
    p.idle_timeout = std::chrono::seconds(120);
    p.conformance = 0x00321D;  // Microstar's set plus multiple-references (GET-with-list)
    p.max_pdu = 0x0400;
    p.nominal_voltage = 230.0;
    p.nominal_frequency = 50.0;
    p.nominal_current = 5.0;
  }
  return p;
}

bridge::Result<ProfileKind, std::string> parse_profile(std::string_view name) {
  if (name == "microstar") return ProfileKind::microstar;
  if (name == "generic") return ProfileKind::generic;
  return bridge::fail("unknown profile \"" + std::string(name) + "\" (expected microstar or generic)");
}

}  // namespace sim
