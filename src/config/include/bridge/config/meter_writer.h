#pragma once
// Writes one [[meter]] entry, the inverse of the loader for the keys a new meter needs: id, host,
// port, transport, client_sap, server_logical, server_physical, address_size, auth, password,
// credential_alternatives, and the registers as [[meter.register]] entries (register_set only
// for the built-in "default" set unchanged: another named set may not exist where the entry
// goes). Addressing keys are always written, even at their defaults, so the entry says exactly
// how the meter is reached. QoS overrides, device tokens and *_file secrets are not written. The
// password IS written in clear: the output is a config fragment for the operator
// (`dlms-bridge discover`), never a log line.
//
// load_string(meter_toml(m)) gives back m (for the keys above); a test checks the round trip.
#include <string>

#include "bridge/config/config.h"

namespace bridge::config {

// "[[meter]]\nid = \"...\"\n..." ending with a newline; values quoted and escaped by toml++.
std::string meter_toml(const MeterConfig& meter);

// The same keys and values as one JSON object (registers as "register": [{key, obis, ...}]),
// pretty-printed with two-space indents.
std::string meter_json(const MeterConfig& meter);

}  // namespace bridge::config
