// The TOML schema: sections, defaults, per-meter overrides and cross-checks. Every problem is
// collected (never stop at the first) so an operator fixes a file in one round.
#include <toml++/toml.h>

#include <algorithm>
#include <map>
#include <set>

#include "bridge/config/config.h"
#include "bridge/log.h"
#include "hls_keys.h"
#include "profile_reader.h"
#include "readers.h"
#include "table_reader.h"

namespace bridge::config {
namespace {

using detail::Diagnostics;
using detail::DurationRule;
using detail::fleet_only_keys;
using detail::in_quotes;
using detail::read_endpoints;
using detail::read_fleet;
using detail::read_http;
using detail::read_mqtt;
using detail::read_qos;
using detail::TableReader;
using detail::read_meter_profiles;

constexpr std::size_t kMaxLlsPassword = 16;  // AARQ calling-authentication-value, Microstar limit

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

bool is_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_name_char);
}

// Names usable in URLs (/api/v1/meters/{id}), MQTT topics and metric labels without escaping.
bool check_name(TableReader& r, std::string_view key, const std::string& value) {
  if (is_name(value)) return true;
  r.problem(key, in_quotes(value) + " may only contain letters, digits, '.', '_' and '-'");
  return false;
}

// ---- registers ------------------------------------------------------------------------------

std::optional<RegisterConfig> read_register(const toml::node& node, const std::string& label, Diagnostics& diag,
                                            const std::filesystem::path& base_dir) {
  const toml::table* t = node.as_table();
  if (t == nullptr) {
    diag.add(node.source(),
             label + ": expected a table {key, obis, class, attribute}, got " + std::string(detail::type_name(node)));
    return std::nullopt;
  }
  TableReader r(*t, label, diag, base_dir);
  RegisterConfig reg;
  bool ok = true;
  if (!r.has("key")) {
    diag.add(t->source(), label + ": missing \"key\" (the MQTT telemetry key)");
    ok = false;
  } else if (r.string("key", reg.key)) {
    ok = check_name(r, "key", reg.key) && ok;
  } else {
    ok = false;
  }
  std::string obis_text;
  if (!r.has("obis")) {
    diag.add(t->source(), label + ": missing \"obis\"");
    ok = false;
  } else if (r.string("obis", obis_text)) {
    auto code = parse_obis(obis_text);
    if (code) {
      reg.obis = *code;
    } else {
      r.problem("obis", code.error());
      ok = false;
    }
  } else {
    ok = false;
  }
  if (r.has("class") && !r.integer_as("class", reg.class_id, 1, 65535)) ok = false;
  if (r.has("attribute") && !r.integer_as("attribute", reg.attribute, 1, 127)) ok = false;
  std::string unit;
  if (r.has("unit")) {
    if (r.string("unit", unit)) {
      reg.unit = unit;
    } else {
      ok = false;
    }
  }
  r.finish();
  if (!ok) return std::nullopt;
  return reg;
}

// Appends the registers of `array` to `out`, reporting duplicate keys against `seen`.
void read_register_list(const toml::array& array, const std::string& label, Diagnostics& diag,
                        const std::filesystem::path& base_dir, std::vector<RegisterConfig>& out,
                        std::map<std::string, int>& seen) {
  for (std::size_t i = 0; i < array.size(); ++i) {
    const toml::node& node = *array.get(i);
    auto reg = read_register(node, label + " #" + std::to_string(i + 1), diag, base_dir);
    if (!reg) continue;
    const auto [it, inserted] = seen.emplace(reg->key, static_cast<int>(node.source().begin.line));
    if (!inserted) {
      const toml::node* key_node = node.as_table()->get("key");
      diag.add(key_node->source(), "duplicate register key " + in_quotes(reg->key) + " in " + label +
                                       " (first at line " + std::to_string(it->second) + ")");
      continue;
    }
    out.push_back(std::move(*reg));
  }
}

void read_register_sets(TableReader& root, Config& config) {
  config.register_sets.emplace(std::string(kDefaultRegisterSet), default_registers());
  const toml::table* sets = root.table("register_sets");
  if (sets == nullptr) return;
  for (auto&& [name_key, value] : *sets) {
    const std::string name(name_key.str());
    const std::string label = "[register_sets." + name + "]";
    if (!is_name(name)) {
      root.diag().add(name_key.source(),
                      "register set name " + in_quotes(name) + " may only contain letters, digits, '.', '_' and '-'");
      continue;
    }
    // Either `name = [ {key=..., obis=...}, ... ]` / `[[register_sets.name]]`, or a table
    // `[register_sets.name]` with `registers = [...]`.
    const toml::array* list = value.as_array();
    std::optional<TableReader> table_reader;
    if (list == nullptr && value.is_table()) {
      table_reader.emplace(*value.as_table(), label, root.diag(), root.base_dir());
      list = table_reader->array("registers");
      if (list == nullptr && !table_reader->has("registers")) {
        root.diag().add(value.source(), label + ": missing \"registers\" (a list of {key, obis})");
      }
      table_reader->finish();
    } else if (list == nullptr) {
      root.diag().add(value.source(),
                      label + ": expected a list of registers, got " + std::string(detail::type_name(value)));
    }
    std::vector<RegisterConfig> regs;
    std::map<std::string, int> seen;
    if (list != nullptr) read_register_list(*list, label, root.diag(), root.base_dir(), regs, seen);
    config.register_sets[name] = std::move(regs);
  }
}

// ---- sections -------------------------------------------------------------------------------

void read_bridge(TableReader& r, BridgeConfig& b) {
  if (r.string("instance", b.instance)) check_name(r, "instance", b.instance);
  std::string dir;
  if (r.string("state_dir", dir)) b.state_dir = dir;
  std::string shard;
  if (r.string("shard", shard)) {
    if (auto parsed = parse_shard(shard)) b.shard = *parsed;
    else r.problem("shard", parsed.error());
  }
  r.boolean("shard_port_offset", b.shard_port_offset);
  if (r.string("log_level", b.log_level)) {
    log::Level ignored;
    if (!log::parse_level(b.log_level, ignored)) {
      r.problem("log_level", "unknown level " + in_quotes(b.log_level) +
                                 " (expected trace | debug | info | warn | error | critical | off)");
    }
  }
  r.boolean("allow_no_meters", b.allow_no_meters);
  r.boolean("allow_mass_removal", b.allow_mass_removal);
  r.finish();
}

void read_store(TableReader& r, StoreConfig& s) {
  std::string path;
  if (r.string("path", path)) s.path = path;
  r.finish();
}

// ---- [[meter]] ------------------------------------------------------------------------------

void read_credentials(TableReader& r, MeterConfig& m) {
  const toml::array* list = r.array("credential_alternatives");
  if (list == nullptr) return;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const toml::node& node = *list->get(i);
    const std::string label = "credential_alternatives #" + std::to_string(i + 1) + " of " + r.label();
    const toml::table* t = node.as_table();
    if (t == nullptr) {
      r.diag().add(node.source(),
                   label + ": expected a table {client_sap, password}, got " + std::string(detail::type_name(node)));
      continue;
    }
    TableReader cr(*t, label, r.diag(), r.base_dir());
    Credential c;
    if (!cr.has("client_sap")) cr.problem("client_sap", "is required");
    cr.integer_as("client_sap", c.client_sap, 1, 127);
    if (const toml::node* pw = cr.secret("password", "password_file", c.password);
        pw != nullptr && c.password.size() > kMaxLlsPassword) {
      cr.problem_at(*pw, cr.has("password") ? "password" : "password_file",
                    "password is " + std::to_string(c.password.size()) + " bytes, the LLS maximum is 16");
    }
    cr.finish();
    m.credential_alternatives.push_back(std::move(c));
  }
}

// Returns false when the meter names an unknown register set (already reported).
bool read_meter_registers(TableReader& r, const Config& config, MeterConfig& m) {
  bool set_ok = true;
  std::map<std::string, int> seen;
  const bool has_inline = r.has("register");
  if (r.has("register_set")) {
    if (r.string("register_set", m.register_set)) {
      auto it = config.register_sets.find(m.register_set);
      if (it == config.register_sets.end()) {
        std::string known;
        for (const auto& [name, regs] : config.register_sets) known += (known.empty() ? "" : ", ") + name;
        r.problem("register_set", "unknown register set " + in_quotes(m.register_set) + " (defined: " + known + ")");
        set_ok = false;
      } else {
        m.registers = it->second;
        for (const auto& reg : m.registers) seen.emplace(reg.key, 0);
      }
    }
  } else if (!has_inline) {
    m.register_set = std::string(kDefaultRegisterSet);
    m.registers = config.register_sets.at(std::string(kDefaultRegisterSet));
  }
  if (const toml::array* list = r.array("register")) {
    // Inline registers may not repeat a key of the chosen set either (one value per key).
    std::map<std::string, int> seen_inline = seen;
    const std::string label = "[[meter.register]] of " + r.label();
    for (std::size_t i = 0; i < list->size(); ++i) {
      const toml::node& node = *list->get(i);
      auto reg = read_register(node, label + " #" + std::to_string(i + 1), r.diag(), r.base_dir());
      if (!reg) continue;
      const auto [it, inserted] = seen_inline.emplace(reg->key, static_cast<int>(node.source().begin.line));
      if (!inserted) {
        const std::string first = it->second == 0 ? "already in register set " + in_quotes(m.register_set)
                                                  : "first at line " + std::to_string(it->second);
        r.diag().add(node.as_table()->get("key")->source(),
                     "duplicate register key " + in_quotes(reg->key) + " in " + r.label() + " (" + first + ")");
        continue;
      }
      m.registers.push_back(std::move(*reg));
    }
  }
  return set_ok;
}

void check_address(TableReader& r, const MeterConfig& m) {
  // 1 byte carries one 7-bit value; 2 bytes one 7-bit group each; 4 bytes two 7-bit groups each.
  const unsigned max = m.address_size == 4 ? 16383 : 127;
  const std::string size = "address_size " + std::to_string(m.address_size);
  if (m.server_logical > max) {
    r.problem("server_logical",
              std::to_string(m.server_logical) + " is out of range for " + size + " (0.." + std::to_string(max) + ")");
  }
  if (m.server_physical > max) {
    r.problem("server_physical",
              std::to_string(m.server_physical) + " is out of range for " + size + " (0.." + std::to_string(max) + ")");
  }
  if (m.address_size == 1 && m.server_logical != 0 && m.server_physical != 0 && m.server_logical <= max &&
      m.server_physical <= max) {
    r.problem(r.has("server_physical") ? "server_physical" : "server_logical",
              "address_size 1 carries a single 7-bit value: set server_logical or server_physical to 0 "
              "(logical " +
                  std::to_string(m.server_logical) + ", physical " + std::to_string(m.server_physical) + ")");
  }
}

std::optional<MeterConfig> read_meter(const toml::node& node, std::size_t index, const Config& config,
                                      Diagnostics& diag, const std::filesystem::path& base_dir,
                                      std::map<std::string, int>& ids) {
  const toml::table* t = node.as_table();
  if (t == nullptr) {
    diag.add(node.source(), "[[meter]] #" + std::to_string(index + 1) + ": expected a table, got " +
                                std::string(detail::type_name(node)));
    return std::nullopt;
  }
  MeterConfig m;
  m.qos = config.qos;
  m.line = static_cast<int>(t->source().begin.line);
  // The label names the meter by id when it has a usable one, else by position.
  std::string label = "[[meter]] #" + std::to_string(index + 1);
  if (const toml::node* id = t->get("id"); id != nullptr && id->is_string() && is_name(id->as_string()->get())) {
    label = "[[meter]] " + in_quotes(id->as_string()->get());
  }
  TableReader r(*t, label, diag, base_dir);

  if (!r.has("id")) {
    diag.add(t->source(), label + ": missing \"id\"");
  } else if (r.string("id", m.id) && check_name(r, "id", m.id)) {
    const auto [it, inserted] = ids.emplace(m.id, static_cast<int>(r.where("id").begin.line));
    if (!inserted) {
      r.problem("id", "duplicate meter id " + in_quotes(m.id) + " (first at line " + std::to_string(it->second) + ")");
    }
  }
  m.device_name = m.id;
  r.string("device_name", m.device_name);
  if (!r.has("host")) {
    diag.add(t->source(), label + ": missing \"host\"");
  } else if (r.string("host", m.host)) {
    if (m.host.find_first_of(" \t/[]") != std::string::npos) r.problem("host", "bad host name " + in_quotes(m.host));
  }
  r.integer_as("port", m.port, 1, 65535);
  read_endpoints(r, m);
  r.enumeration("transport", m.transport, {{"hdlc", Transport::hdlc}, {"wrapper", Transport::wrapper}});
  r.integer_as("client_sap", m.client_sap, 1, 127);
  r.integer_as("server_logical", m.server_logical, 0, 16383);
  r.integer_as("server_physical", m.server_physical, 0, 16383);
  bool size_ok = true;
  if (const toml::node* n = r.node("address_size")) {
    const auto* i = n->as_integer();
    if (i == nullptr) {
      r.problem("address_size", "expected an integer (1, 2 or 4), got " + std::string(detail::type_name(*n)));
      size_ok = false;
    } else if (i->get() != 1 && i->get() != 2 && i->get() != 4) {
      r.problem("address_size", std::to_string(i->get()) + " is not 1, 2 or 4");
      size_ok = false;
    } else {
      m.address_size = static_cast<std::uint8_t>(i->get());
    }
  }
  if (size_ok) check_address(r, m);
  r.enumeration("auth", m.auth, {{"none", Auth::none}, {"low", Auth::low}, {"hls_gmac", Auth::hls_gmac}});
  if (const toml::node* pw = r.secret("password", "password_file", m.password);
      pw != nullptr && m.password.size() > kMaxLlsPassword) {
    r.problem_at(*pw, r.has("password") ? "password" : "password_file",
                 "password is " + std::to_string(m.password.size()) + " bytes, the LLS maximum is 16");
  }
  if (m.auth == Auth::low && m.password.empty() && !r.has("password") && !r.has("password_file")) {
    r.problem("auth", "auth = \"low\" needs password or password_file");
  }
  read_credentials(r, m);
  detail::read_hls_gmac(r, m);
  const std::size_t errors_before = diag.count();
  if (read_meter_registers(r, config, m) && m.registers.empty() && diag.count() == errors_before) {
    diag.add(t->source(), label + ": no registers to read (empty register set or [[meter.register]] list)");
  }
  read_meter_profiles(r, m);
  r.boolean("enabled", m.enabled);
  r.boolean("release", m.release);
  r.secret("device_token", "device_token_file", m.device_token);
  read_qos(r, m.qos, true);
  for (std::string_view key : fleet_only_keys()) {
    r.reject(key, "is fleet-wide: set it in [qos], not per meter");
  }
  r.finish();
  return m;
}

// ---- root -----------------------------------------------------------------------------------

Config build(const toml::table& root, const std::string& source_name, const std::filesystem::path& base_dir,
             Diagnostics& diag) {
  Config config;
  config.source = source_name;
  TableReader r(root, "the top-level table", diag, base_dir);

  // Sections first: meters merge [qos] and look up register sets.
  auto section = [&](std::string_view key, auto&& read) {
    if (const toml::table* t = r.table(key)) {
      TableReader sr(*t, "[" + std::string(key) + "]", diag, base_dir);
      read(sr);
    }
  };
  section("bridge", [&](TableReader& sr) { read_bridge(sr, config.bridge); });
  section("http", [&](TableReader& sr) { read_http(sr, config.http); });
  section("mqtt", [&](TableReader& sr) { read_mqtt(sr, config.mqtt); });
  section("store", [&](TableReader& sr) { read_store(sr, config.store); });
  section("qos", [&](TableReader& sr) {
    read_qos(sr, config.qos, false);
    read_fleet(sr, config.fleet);
    sr.finish();
  });
  read_register_sets(r, config);

  if (config.mqtt.client_id.empty()) config.mqtt.client_id = config.bridge.instance;
  if (config.store.path.empty()) config.store.path = config.bridge.state_dir / "dlms-bridge.db";

  if (const toml::node* meters = r.node("meter")) {
    const toml::array* list = meters->as_array();
    if (list == nullptr) {
      diag.add(meters->source(),
               "\"meter\" must be an array of tables ([[meter]]), got " + std::string(detail::type_name(*meters)));
    } else {
      std::map<std::string, int> ids;
      // Exact size: growing by doubling left up to half the vector unused (~6 MB at 10,000 meters),
      // and the running service keeps this vector for its whole life.
      config.meters.reserve(list->size());
      for (std::size_t i = 0; i < list->size(); ++i) {
        auto m = read_meter(*list->get(i), i, config, diag, base_dir, ids);
        if (m) config.meters.push_back(std::move(*m));
      }
    }
  }

  // `meter = []` lists no meter either: the same rule, at the key.
  const toml::node* meter_node = r.node("meter");
  const toml::array* meter_list = meter_node != nullptr ? meter_node->as_array() : nullptr;
  if ((meter_node == nullptr || (meter_list != nullptr && meter_list->empty())) && !config.bridge.allow_no_meters) {
    const std::string why =
        "no [[meter]] entries: a config without meters is refused so that an empty or truncated file "
        "cannot remove the fleet; add [[meter]] entries, or set [bridge] allow_no_meters = true if a "
        "bridge without meters is intended";
    // At 1:1 when the whole file lacks them (an empty file has no other position).
    if (meter_node == nullptr) {
      diag.add(1, 1, why);
    } else {
      diag.add(meter_node->source(), why);
    }
  }

  if (config.mqtt.enabled && config.mqtt.mode == MqttMode::device) {
    for (const auto& m : config.meters) {
      if (m.enabled && m.device_token.empty()) {
        diag.add(m.line, 1,
                 "[[meter]] " + in_quotes(m.id) + ": mqtt mode \"device\" needs device_token or device_token_file");
      }
    }
  }
  r.finish();
  return config;
}

}  // namespace

LoadResult load_string(std::string_view text, std::string_view source_name, const std::filesystem::path& base_dir) {
  Diagnostics diag{std::string(source_name)};
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    diag.add(e.source(), "TOML syntax error: " + std::string(e.description()));
    return fail(diag.take());
  }
  Config config = build(root, std::string(source_name), base_dir, diag);
  if (!diag.empty()) return fail(diag.take());
  config.source_text = std::string(text);
  return config;
}

LoadResult load_file(const std::filesystem::path& path) {
  std::string text;
  if (auto err = detail::read_text_file(path, text)) {
    return fail(std::vector<ConfigError>{ConfigError{path.string(), 0, 0, "cannot read config file: " + *err}});
  }
  std::filesystem::path base = path.parent_path();
  if (base.empty()) base = ".";
  return load_string(text, path.string(), base);
}

}  // namespace bridge::config
