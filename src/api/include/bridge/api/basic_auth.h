#pragma once
// HTTP basic auth against bcrypt hashes (basic_auth_users). Hashing uses libxcrypt's crypt_rn,
// never our own bcrypt. A bcrypt check at cost 10 takes ~70 ms, so verified credentials are
// cached by their SHA-256 (the cache never holds a password in clear).
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace bridge::api {

// True when `hash` is a bcrypt hash libxcrypt accepts ($2a$, $2b$, $2y$; 60 characters).
bool is_bcrypt_hash(std::string_view hash);
// bcrypt hash of `password` with the given cost (4..31); used by tests and a future
// `dlms-bridge hash-password`. nullopt if libxcrypt refuses.
std::optional<std::string> bcrypt_hash(std::string_view password, int cost = 10);
// One crypt_rn check, no cache.
bool bcrypt_verify(std::string_view password, const std::string& hash);

class BasicAuth {
 public:
  explicit BasicAuth(std::map<std::string, std::string> users);
  bool enabled() const { return !users_.empty(); }
  // Checks an Authorization header value ("Basic base64(user:password)"). Returns the user.
  std::optional<std::string> check(std::string_view authorization);
  bool verify(const std::string& user, std::string_view password);
  std::size_t cached() const;

 private:
  std::map<std::string, std::string> users_;
  mutable std::mutex mutex_;
  std::unordered_set<std::string> verified_;  // sha256(user \0 hash \0 password)
};

// RFC 4648 base64 decoding (padding optional); nullopt on invalid input.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace bridge::api
