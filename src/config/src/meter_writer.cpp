#include "bridge/config/meter_writer.h"

#include <toml++/toml.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>
#include <variant>
#include <vector>

namespace bridge::config {
namespace {

using Scalar = std::variant<std::string, std::int64_t>;
using Entries = std::vector<std::pair<std::string, Scalar>>;

struct MeterEntries {
  Entries keys;
  std::vector<Entries> credentials;  // credential_alternatives
  std::vector<Entries> registers;    // [[meter.register]]; empty when register_set is written
};

Entries register_entries(const RegisterConfig& r) {
  Entries e{{"key", r.key}, {"obis", r.obis.to_string()}};
  if (r.class_id != 3) e.emplace_back("class", std::int64_t{r.class_id});
  if (r.attribute != 2) e.emplace_back("attribute", std::int64_t{r.attribute});
  if (r.unit) e.emplace_back("unit", *r.unit);
  return e;
}

MeterEntries entries_of(const MeterConfig& m) {
  MeterEntries out;
  auto& k = out.keys;
  k.emplace_back("id", m.id);
  if (!m.device_name.empty() && m.device_name != m.id) k.emplace_back("device_name", m.device_name);
  k.emplace_back("host", m.host);
  k.emplace_back("port", std::int64_t{m.port});
  k.emplace_back("transport", std::string(to_string(m.transport)));
  k.emplace_back("client_sap", std::int64_t{m.client_sap});
  k.emplace_back("server_logical", std::int64_t{m.server_logical});
  k.emplace_back("server_physical", std::int64_t{m.server_physical});
  k.emplace_back("address_size", std::int64_t{m.address_size});
  k.emplace_back("auth", std::string(to_string(m.auth)));
  if (!m.password.empty()) k.emplace_back("password", m.password.reveal());
  if (m.auth == Auth::hls_gmac) {
    // The keys stay in their files: only the paths are written.
    k.emplace_back("system_title", m.system_title);
    k.emplace_back("block_cipher_key_file", m.block_cipher_key_file.string());
    k.emplace_back("authentication_key_file", m.authentication_key_file.string());
    k.emplace_back("security_policy", m.security_policy);
    k.emplace_back("ciphering", m.ciphering);
    if (!m.invocation_counter_obis.empty()) k.emplace_back("invocation_counter_obis", m.invocation_counter_obis);
  }
  for (const auto& c : m.credential_alternatives) {
    Entries e{{"client_sap", std::int64_t{c.client_sap}}};
    if (!c.password.empty()) e.emplace_back("password", c.password.reveal());
    out.credentials.push_back(std::move(e));
  }
  // A named set other than the built-in one may not exist where the entry goes: inline its registers.
  if (m.register_set == kDefaultRegisterSet && m.registers == default_registers()) {
    k.emplace_back("register_set", m.register_set);
  } else {
    for (const auto& r : m.registers) out.registers.push_back(register_entries(r));
  }
  return out;
}

// One value as TOML writes it (strings quoted and escaped), via a one-key table.
std::string toml_value(const Scalar& v) {
  toml::table t;
  std::visit([&](const auto& x) { t.insert("v", x); }, v);
  std::ostringstream text;
  text << toml::toml_formatter{t};
  const std::string line = text.str();  // v = <value>
  return line.substr(line.find('=') + 2);
}

std::string toml_key(const std::string& key) {
  toml::table t;
  t.insert(key, std::int64_t{0});
  std::ostringstream text;
  text << toml::toml_formatter{t};
  const std::string line = text.str();
  return line.substr(0, line.find(" = "));
}

std::string inline_table(const Entries& entries) {
  std::string out = "{ ";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    out += (i ? ", " : "") + toml_key(entries[i].first) + " = " + toml_value(entries[i].second);
  }
  return out + " }";
}

nlohmann::json json_of(const Entries& entries) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, value] : entries) std::visit([&](const auto& x) { j[key] = x; }, value);
  return j;
}

}  // namespace

std::string meter_toml(const MeterConfig& meter) {
  const auto e = entries_of(meter);
  std::string out = "[[meter]]\n";
  for (const auto& [key, value] : e.keys) out += toml_key(key) + " = " + toml_value(value) + "\n";
  if (!e.credentials.empty()) {
    out += "credential_alternatives = [";
    for (std::size_t i = 0; i < e.credentials.size(); ++i) out += (i ? ", " : "") + inline_table(e.credentials[i]);
    out += "]\n";
  }
  for (const auto& r : e.registers) {
    out += "  [[meter.register]]\n";
    for (const auto& [key, value] : r) out += "  " + toml_key(key) + " = " + toml_value(value) + "\n";
  }
  return out;
}

std::string meter_json(const MeterConfig& meter) {
  const auto e = entries_of(meter);
  nlohmann::json j = json_of(e.keys);
  if (!e.credentials.empty()) {
    auto& creds = j["credential_alternatives"] = nlohmann::json::array();
    for (const auto& c : e.credentials) creds.push_back(json_of(c));
  }
  if (!e.registers.empty()) {
    auto& regs = j["register"] = nlohmann::json::array();
    for (const auto& r : e.registers) regs.push_back(json_of(r));
  }
  return j.dump(2);
}

}  // namespace bridge::config
