#include "bridge/config/address_text.h"

#include <cstdio>

namespace bridge::config {

std::string address_text(const MeterConfig& m) {
  if (m.transport == Transport::wrapper) {
    return "client wPort " + std::to_string(m.client_sap) + " → server wPort " + std::to_string(m.server_logical);
  }
  std::string text = "client SAP " + std::to_string(m.client_sap) + " → server logical " +
                     std::to_string(m.server_logical) + ", physical " + std::to_string(m.server_physical) + " (" +
                     std::to_string(m.address_size) + "-byte address";
  if (m.address_size == 1) {
    // One 7-bit value: whichever of logical/physical is set (see dlms/hdlc/address.h).
    const unsigned value = m.server_physical != 0 ? m.server_physical : m.server_logical;
    char hex[8];
    std::snprintf(hex, sizeof hex, "%02x", ((value << 1) | 1U) & 0xFFU);
    text += std::string(" 0x") + hex;
  }
  return text + ")";
}

}  // namespace bridge::config
