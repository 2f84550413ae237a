#pragma once
// What `dlms-bridge discover` prints: the findings for the operator (stderr), the ready
// [[meter]] entry (stdout, TOML), or all of it as one JSON document (stdout, --json).
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>

#include "bridge/config/config.h"
#include "discovery.h"

namespace bridge::app {

// The [[meter]] entry for the first working setting: its address and credential, the other
// working credentials at that address as credential_alternatives (--all), and every electricity
// register that could be read. `id` empty: "meter-<serial>" (else "meter-<host>-<port>").
config::MeterConfig meter_entry(const DiscoveryOptions& options, const DiscoveryResult& result, const std::string& id);

// Identity and grouped registers with values and units, for a human.
void print_findings(std::ostream& out, const MeterFindings& findings);

// Why nothing was found, with the next thing to try.
void print_not_found(std::ostream& out, const DiscoveryOptions& options, const DiscoveryResult& result,
                     bool serial_given);

// {"ok", "target", "attempts", "working", "device", "registers", "meter": {the entry as data}}.
nlohmann::json result_json(const DiscoveryOptions& options, const DiscoveryResult& result,
                           const config::MeterConfig* entry);

}  // namespace bridge::app
