#pragma once
// [[meter]] HLS-GMAC keys (auth = "hls_gmac"): system_title, block_cipher_key_file,
// authentication_key_file, security_policy, ciphering, invocation_counter_obis. Private to the loader.
#include "bridge/config/config.h"
#include "table_reader.h"

namespace bridge::config::detail {

// Reads and validates the keys above into `m`. Keys are accepted only from files (hex, 16 bytes,
// whitespace ignored); an inline block_cipher_key / authentication_key is an error. Messages
// never contain key material.
void read_hls_gmac(TableReader& r, MeterConfig& m);

}  // namespace bridge::config::detail
