#include "discover_report.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ostream>

#include "bridge/config/meter_writer.h"
#include "bridge/transport/object_names.h"
#include "dlms/cosem/units.h"
#include "value_text.h"

namespace bridge::app {
namespace {

using nlohmann::json;

// Config ids are letters, digits, '.', '_' and '-'.
std::string id_safe(std::string text) {
  for (auto& c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '-';
  }
  return text;
}

std::string unquoted(std::string text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') return text.substr(1, text.size() - 2);
  return text;
}

std::string default_id(const DiscoveryOptions& options, const MeterFindings& f) {
  if (f.serial && f.serial->text) {
    const auto serial = id_safe(unquoted(*f.serial->text));
    if (!serial.empty()) return "meter-" + serial;
  }
  return "meter-" + id_safe(options.host) + "-" + std::to_string(options.port);
}

std::string register_value_text(const RegisterProbe& p) {
  if (!p.read) return "not readable: " + p.error;
  const auto unit = dlms::cosem::unit_symbol(p.read->unit);
  std::string text = describe_value(*p.read);
  if (p.read->numeric && !unit.empty()) text += " " + std::string(unit);
  return text;
}

void identity_line(std::ostream& out, const char* name, const std::optional<IdentityValue>& v) {
  char head[40];
  std::snprintf(head, sizeof head, "  %-21s", name);
  out << head;
  if (!v) {
    out << "not offered\n";
    return;
  }
  out << (v->text ? *v->text : "not readable: " + v->error) << "  (" << transport::obis_text(v->ln) << ")\n";
}

json identity_json(const std::optional<IdentityValue>& v) {
  if (!v) return nullptr;
  json j{{"obis", transport::obis_text(v->ln)}};
  if (v->text) {
    j["value"] = unquoted(*v->text);
  } else {
    j["error"] = v->error;
  }
  return j;
}

json attempt_json(const AttemptRecord& a, config::Transport transport) {
  return json{{"attempt", a.number},
              {"address", a.address.label(transport)},
              {"server_logical", a.address.logical},
              {"server_physical", a.address.physical},
              {"address_size", a.address.size},
              {"client_sap", a.credential.client_sap},
              {"auth", std::string(config::to_string(a.credential.auth()))},
              {"credential", a.credential.origin},
              {"result", std::string(to_label(a.verdict.outcome))},
              {"message", a.verdict.text}};
}

}  // namespace

config::MeterConfig meter_entry(const DiscoveryOptions& options, const DiscoveryResult& result, const std::string& id) {
  const MeterFindings& f = *result.found;
  config::MeterConfig m = candidate_meter(options, f.address, f.credential);
  m.qos = config::QosConfig{};  // the entry keeps the fleet's QoS; discover's timeouts were its own
  m.id = id.empty() ? default_id(options, f) : id;
  m.device_name = m.id;
  for (const auto& w : result.working) {
    const bool same_address = w.address.logical == f.address.logical && w.address.physical == f.address.physical &&
                              w.address.size == f.address.size;
    const bool same_credential =
        w.credential.client_sap == f.credential.client_sap && w.credential.password == f.credential.password;
    if (same_address && !same_credential) {
      m.credential_alternatives.push_back({w.credential.client_sap, config::Secret(w.credential.password)});
    }
  }
  for (const auto& p : f.registers) {
    if (!p.read) continue;  // a register this client cannot read would fail every poll
    config::RegisterConfig r;
    r.key = std::string(p.offered.what.key);
    r.obis.bytes = p.offered.object.ln;
    r.class_id = static_cast<std::uint16_t>(p.offered.object.class_id);
    m.registers.push_back(std::move(r));
  }
  return m;
}

void print_findings(std::ostream& out, const MeterFindings& f) {
  out << "meter (" << f.object_count << " objects in the association's list)\n";
  identity_line(out, "logical device name", f.logical_device_name);
  identity_line(out, "serial number", f.serial);
  identity_line(out, "clock", f.clock);
  if (f.registers.empty()) {
    out << "electricity registers: none that discover knows (see `dlms-bridge read --list`)\n";
    return;
  }
  out << "electricity registers (channel B=" << static_cast<int>(f.registers.front().offered.object.ln[1]) << ")\n";
  std::optional<RegisterGroup> group;
  for (const auto& p : f.registers) {
    if (group != p.offered.what.group) {
      group = p.offered.what.group;
      out << "  " << group_title(*group) << "\n";
    }
    char line[160];
    std::snprintf(line, sizeof line, "    %-24s %-12s %-16s ", std::string(p.offered.what.key).c_str(),
                  transport::obis_text(p.offered.object.ln).c_str(), register_value_text(p).c_str());
    out << line << transport::describe_object(p.offered.object.ln) << "\n";
  }
}

void print_not_found(std::ostream& out, const DiscoveryOptions& options, const DiscoveryResult& result,
                     bool serial_given) {
  out << "no working setting for " << options.host << ":" << options.port << " after " << result.attempts.size()
      << " attempt(s)" << (result.out_of_time ? " (--max-time reached)" : "") << "\n";
  auto any = [&](AttemptOutcome o) {
    return std::any_of(result.attempts.begin(), result.attempts.end(),
                       [&](const AttemptRecord& a) { return a.verdict.outcome == o; });
  };
  auto all_address_failures =
      !result.attempts.empty() &&
      std::all_of(result.attempts.begin(), result.attempts.end(), [](const AttemptRecord& a) {
        return a.verdict.outcome == AttemptOutcome::silent || a.verdict.outcome == AttemptOutcome::wrong_address;
      });
  if (any(AttemptOutcome::refused)) {
    out << "next: check the port (the Microstar's TCP module listens on 3333; 4059 is the IANA DLMS port)\n";
  } else if (any(AttemptOutcome::unreachable)) {
    out << "next: check the host address and the network path to it\n";
  } else if (all_address_failures && !serial_given && options.transport == config::Transport::hdlc) {
    out << "next: no address answered; the vendor's factory address is physical = the last four digits of the "
           "serial number: give --serial, or try --transport wrapper\n";
  } else if (all_address_failures) {
    out << "next: the meter accepts TCP but answers no address tried; check the transport (--transport) and "
           "whether another client holds the meter\n";
  } else if (any(AttemptOutcome::busy)) {
    out << "next: another client holds the meter's association; stop it (or wait for the meter's inactivity "
           "timeout, 180 s on the Microstar) and run again, with a longer --pause\n";
  } else if (any(AttemptOutcome::rejected_password) || any(AttemptOutcome::rejected)) {
    out << "next: every credential was rejected; give the pair printed on the meter's label with "
           "--credential SAP:PASSWORD\n";
  }
}

json result_json(const DiscoveryOptions& options, const DiscoveryResult& result, const config::MeterConfig* entry) {
  json doc{{"ok", entry != nullptr},
           {"target",
            {{"host", options.host},
             {"port", options.port},
             {"transport", std::string(config::to_string(options.transport))}}},
           {"out_of_time", result.out_of_time}};
  auto& attempts = doc["attempts"] = json::array();
  for (const auto& a : result.attempts) attempts.push_back(attempt_json(a, options.transport));
  auto& working = doc["working"] = json::array();
  for (const auto& a : result.working) working.push_back(attempt_json(a, options.transport));
  if (result.found) {
    const auto& f = *result.found;
    doc["device"] = {{"objects", f.object_count},
                     {"logical_device_name", identity_json(f.logical_device_name)},
                     {"serial", identity_json(f.serial)},
                     {"clock", identity_json(f.clock)}};
    auto& regs = doc["registers"] = json::array();
    for (const auto& p : f.registers) {
      json r{{"group", std::string(group_title(p.offered.what.group))},
             {"key", std::string(p.offered.what.key)},
             {"obis", transport::obis_text(p.offered.object.ln)},
             {"class", p.offered.object.class_id},
             {"description", transport::describe_object(p.offered.object.ln)}};
      if (p.read) {
        r["value"] = p.read->numeric ? json(p.read->value) : json(value_text(p.read->data));
        r["unit"] = std::string(dlms::cosem::unit_symbol(p.read->unit));
        r["unit_code"] = p.read->unit;
      } else {
        r["error"] = p.error;
      }
      regs.push_back(std::move(r));
    }
  }
  doc["meter"] = entry ? json::parse(config::meter_json(*entry)) : json(nullptr);
  return doc;
}

}  // namespace bridge::app
