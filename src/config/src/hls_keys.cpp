#include "hls_keys.h"

#include <cctype>

#include "bridge/config/obis.h"

namespace bridge::config::detail {

namespace {

// Hex digits only (whitespace between them allowed), upper-cased; nullopt otherwise.
std::optional<std::string> hex_digits(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

// One key file: 32 hex digits. Returns false (after reporting at the key) otherwise.
bool read_key_file(TableReader& r, std::string_view file_key, Secret& out, std::filesystem::path& path) {
  if (!r.file_path(file_key, path, false)) return false;
  std::string text;
  if (auto err = read_text_file(path, text)) {
    r.problem(file_key, "cannot read \"" + path.string() + "\": " + *err);
    return false;
  }
  auto digits = hex_digits(text);
  if (!digits) {
    r.problem(file_key, "\"" + path.string() + "\" must hold the key as hex digits (0-9, A-F)");
    return false;
  }
  if (digits->size() != 32) {
    r.problem(file_key, "\"" + path.string() + "\" holds " + std::to_string(digits->size() / 2) +
                            " bytes, an HLS-GMAC key is 16 bytes (32 hex digits)");
    return false;
  }
  out = Secret(std::move(*digits));
  return true;
}

}  // namespace

void read_hls_gmac(TableReader& r, MeterConfig& m) {
  r.reject("block_cipher_key", "keys are read only from files: use block_cipher_key_file");
  r.reject("authentication_key", "keys are read only from files: use authentication_key_file");
  if (r.string("system_title", m.system_title)) {
    auto digits = hex_digits(m.system_title);
    if (!digits || digits->size() != 16) {
      r.problem("system_title", "expected 8 bytes as 16 hex digits (e.g. \"4D4D4D0000000001\")");
    } else {
      m.system_title = *digits;
    }
  }
  read_key_file(r, "block_cipher_key_file", m.block_cipher_key, m.block_cipher_key_file);
  read_key_file(r, "authentication_key_file", m.authentication_key, m.authentication_key_file);
  r.enumeration("security_policy", m.security_policy,
                {{"authenticated_encrypted", std::string("authenticated_encrypted")},
                 {"authenticated", std::string("authenticated")},
                 {"encrypted", std::string("encrypted")}});
  r.enumeration("ciphering", m.ciphering,
                {{"glo", std::string("glo")}, {"general_glo", std::string("general_glo")}});
  if (r.string("invocation_counter_obis", m.invocation_counter_obis)) {
    auto obis = parse_obis(m.invocation_counter_obis);
    if (!obis) {
      r.problem("invocation_counter_obis", obis.error());
    } else {
      m.invocation_counter_obis = obis->to_string();
    }
  }
  const bool hls = m.auth == Auth::hls_gmac;
  if (hls) {
    for (std::string_view key : {"system_title", "block_cipher_key_file", "authentication_key_file"}) {
      if (!r.has(key)) r.problem("auth", "auth = \"hls_gmac\" needs " + std::string(key));
    }
  } else {
    for (std::string_view key : {"system_title", "block_cipher_key_file", "authentication_key_file",
                                 "security_policy", "ciphering", "invocation_counter_obis"}) {
      if (r.has(key)) r.problem(key, "applies only to auth = \"hls_gmac\"");
    }
  }
}

}  // namespace bridge::config::detail
