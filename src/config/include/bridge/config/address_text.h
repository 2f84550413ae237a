#pragma once
// A meter's configured addressing in words, for the status page, the REST API, `ctl` and the
// diagnosis of a silent meter (which must quote what is configured, not the field default).
#include <string>

#include "bridge/config/config.h"

namespace bridge::config {

// HDLC: "client SAP 16 → server logical 0, physical 5 (1-byte address 0x0b)";
// wrapper: "client wPort 16 → server wPort 1".
std::string address_text(const MeterConfig& meter);

}  // namespace bridge::config
