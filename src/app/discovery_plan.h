#pragma once
// What `dlms-bridge discover` tries, in which order: the server address forms and the client
// credentials. Pure data; no I/O.
//
// Addressing (HDLC). Three installations are known:
//   * the field's TCP module: one-byte server address 0x03 (logical 0 / physical 1 in the old
//     system's words), client SAP 1;
//   * a standard meter: logical device 1 (the management logical device), physical 1, in the
//     2- and 4-byte forms;
//   * the vendor guide's factory setting: logical 1, physical = the last four digits of the
//     serial number (000019001234 -> 1234), which needs the 4-byte form above 127.
// The wrapper transport (IEC 62056-47) has no HDLC address: the destination wPort is the
// logical device (1) and the source wPort the client SAP.
//
// Credentials. The operator's own --credential pairs come first (most specific), then the public
// client and the pairs printed on the Microstar labels:
//   SAP 16 (0x10)  public client, no password, read-only (vendor guide)
//   SAP 1          LLS "22222222" (the field's setting)
//   SAP 32 (0x20)  LLS "11111111" (the vendor guide's read-write client)
//   SAP 17 (0x11)  LLS "00000000"
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/config/config.h"
#include "bridge/result.h"

namespace bridge::app {

struct AddressForm {
  std::uint16_t logical = 0;
  std::uint16_t physical = 1;
  std::uint8_t size = 1;  // 1, 2 or 4 bytes; for the wrapper, logical is the destination wPort
  bool from_serial = false;
  // "1-byte 0x03", "4-byte logical 1 / physical 1234 (from the serial)", "wPort 1".
  std::string label(config::Transport transport) const;
};

struct ClientCredential {
  std::uint8_t client_sap = 16;
  std::string password;  // empty: no authentication
  std::string origin;    // "--credential", "public client", "label"
  config::Auth auth() const { return password.empty() ? config::Auth::none : config::Auth::low; }
  // "client 1 with password (label)", "client 16, no password (public client)".
  std::string label() const;
};

// The public client and the label pairs, in the order they are tried.
std::span<const ClientCredential> known_credentials();

// "SAP:PASSWORD" (password 1..16 bytes; it may itself contain ':') or "SAP" (no password).
Result<ClientCredential, std::string> parse_credential(std::string_view text);

// The vendor's physical-address rule: the last four digits of the serial (leading zeros dropped).
// Errors name what is wrong with the text (no digits at the end, all zero).
Result<std::uint16_t, std::string> physical_from_serial(std::string_view serial);

// Address forms in the order they are tried (duplicates removed).
std::vector<AddressForm> address_forms(config::Transport transport, std::optional<std::uint16_t> serial_physical);

// `given` first, then known_credentials(); a pair already listed is not tried twice.
std::vector<ClientCredential> credential_order(const std::vector<ClientCredential>& given);

}  // namespace bridge::app
