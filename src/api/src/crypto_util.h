#pragma once
// Small wrappers over libcrypto used by the auth checks.
#include <string>
#include <string_view>

namespace bridge::api::detail {

// Raw 32-byte SHA-256 digest.
std::string sha256(std::string_view data);
// Equal length and bytes, in time independent of where they differ (CRYPTO_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b);
// Compares two secrets of possibly different length without leaking the length or position:
// compares their SHA-256 digests in constant time.
bool secret_equal(std::string_view a, std::string_view b);

}  // namespace bridge::api::detail
