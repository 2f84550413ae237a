#include "discovery_plan.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace bridge::app {
namespace {

constexpr std::size_t kMaxLlsPassword = 16;
constexpr std::uint16_t kManagementLogicalDevice = 1;

const ClientCredential kKnown[] = {
    {16, "", "public client"},
    {1, "22222222", "label"},
    {32, "11111111", "label"},
    {17, "00000000", "label"},
};

bool same_address(const AddressForm& a, const AddressForm& b) {
  return a.logical == b.logical && a.physical == b.physical && a.size == b.size;
}

}  // namespace

std::string AddressForm::label(config::Transport transport) const {
  if (transport == config::Transport::wrapper) return "wPort " + std::to_string(logical);
  if (size == 1) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", ((logical != 0 ? logical : physical) << 1) | 1);
    return "1-byte " + std::string(byte);
  }
  return std::to_string(size) + "-byte logical " + std::to_string(logical) + " / physical " + std::to_string(physical) +
         (from_serial ? " (from the serial)" : "");
}

std::string ClientCredential::label() const {
  return "client " + std::to_string(client_sap) + (password.empty() ? ", no password" : " with password") + " (" +
         origin + ")";
}

std::span<const ClientCredential> known_credentials() {
  return kKnown;
}

Result<ClientCredential, std::string> parse_credential(std::string_view text) {
  const auto colon = text.find(':');
  const std::string_view sap_text = text.substr(0, colon);
  int sap = -1;
  auto [end, ec] = std::from_chars(sap_text.data(), sap_text.data() + sap_text.size(), sap);
  if (ec != std::errc() || end != sap_text.data() + sap_text.size() || sap < 1 || sap > 127) {
    return fail("--credential \"" + std::string(text) + "\": expected SAP:PASSWORD with a client SAP 1..127");
  }
  ClientCredential c{static_cast<std::uint8_t>(sap), {}, "--credential"};
  if (colon != std::string_view::npos) {
    c.password = std::string(text.substr(colon + 1));
    if (c.password.empty() || c.password.size() > kMaxLlsPassword) {
      return fail("--credential SAP " + std::to_string(sap) +
                  ": the LLS password must be 1..16 characters (or give "
                  "just the SAP for a client without password)");
    }
  }
  return c;
}

Result<std::uint16_t, std::string> physical_from_serial(std::string_view serial) {
  std::size_t digits = 0;
  while (digits < serial.size() && digits < 4 &&
         std::isdigit(static_cast<unsigned char>(serial[serial.size() - 1 - digits]))) {
    ++digits;
  }
  if (digits == 0) return fail("--serial \"" + std::string(serial) + "\" does not end in digits");
  int value = 0;
  const auto tail = serial.substr(serial.size() - digits);
  std::from_chars(tail.data(), tail.data() + tail.size(), value);
  if (value == 0) return fail("--serial \"" + std::string(serial) + "\": its last four digits give physical address 0");
  return static_cast<std::uint16_t>(value);
}

std::vector<AddressForm> address_forms(config::Transport transport, std::optional<std::uint16_t> serial_physical) {
  if (transport == config::Transport::wrapper) return {AddressForm{kManagementLogicalDevice, 0, 1, false}};
  std::vector<AddressForm> forms{
      {0, 1, 1, false},                         // 0x03: the field's TCP module
      {kManagementLogicalDevice, 1, 2, false},  // 02 03
      {kManagementLogicalDevice, 1, 4, false},  // 00 02 00 03
  };
  if (serial_physical) {
    if (*serial_physical <= 127) forms.push_back({kManagementLogicalDevice, *serial_physical, 2, true});
    forms.push_back({kManagementLogicalDevice, *serial_physical, 4, true});
  }
  std::vector<AddressForm> unique;
  for (const auto& f : forms) {
    if (std::none_of(unique.begin(), unique.end(), [&](const AddressForm& u) { return same_address(u, f); })) {
      unique.push_back(f);
    }
  }
  return unique;
}

std::vector<ClientCredential> credential_order(const std::vector<ClientCredential>& given) {
  std::vector<ClientCredential> out;
  auto add = [&](const ClientCredential& c) {
    const bool listed = std::any_of(out.begin(), out.end(), [&](const ClientCredential& o) {
      return o.client_sap == c.client_sap && o.password == c.password;
    });
    if (!listed) out.push_back(c);
  };
  for (const auto& c : given) add(c);
  for (const auto& c : known_credentials()) add(c);
  return out;
}

}  // namespace bridge::app
