#include "bridge/api/basic_auth.h"

#include "crypto_util.h"

#include <crypt.h>

#include <array>
#include <cctype>
#include <memory>

namespace bridge::api {

namespace {

constexpr std::size_t kMaxCached = 1024;

std::string cache_key(std::string_view user, std::string_view hash, std::string_view password) {
  std::string input;
  input.reserve(user.size() + hash.size() + password.size() + 2);
  input.append(user).push_back('\0');
  input.append(hash).push_back('\0');
  input.append(password);
  return detail::sha256(input);
}

// A bcrypt setting with the same cost as real hashes, so an unknown user costs as much time
// as a known one (no user enumeration by timing).
const std::string& dummy_setting() {
  static const std::string setting = [] {
    std::array<char, CRYPT_GENSALT_OUTPUT_SIZE> out{};
    const char rbytes[16] = {'d', 'l', 'm', 's', '-', 'b', 'r', 'i', 'd', 'g', 'e', '-', 's', 'a', 'l', 't'};
    if (crypt_gensalt_rn("$2b$", 10, rbytes, sizeof rbytes, out.data(), static_cast<int>(out.size())) == nullptr) {
      return std::string();
    }
    return std::string(out.data());
  }();
  return setting;
}

}  // namespace

bool is_bcrypt_hash(std::string_view hash) {
  if (hash.size() != 60) return false;
  if (!(hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$"))) return false;
  std::string h(hash);
  return crypt_checksalt(h.c_str()) == CRYPT_SALT_OK;
}

std::optional<std::string> bcrypt_hash(std::string_view password, int cost) {
  std::array<char, CRYPT_GENSALT_OUTPUT_SIZE> setting{};
  if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, setting.data(),
                       static_cast<int>(setting.size())) == nullptr) {
    return std::nullopt;
  }
  auto data = std::make_unique<crypt_data>();
  std::string pw(password);
  const char* out = crypt_rn(pw.c_str(), setting.data(), data.get(), sizeof(crypt_data));
  if (out == nullptr || out[0] == '*') return std::nullopt;
  return std::string(out);
}

bool bcrypt_verify(std::string_view password, const std::string& hash) {
  auto data = std::make_unique<crypt_data>();
  std::string pw(password);
  const char* out = crypt_rn(pw.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
  if (out == nullptr || out[0] == '*') return false;
  return detail::constant_time_equal(out, hash);
}

BasicAuth::BasicAuth(std::map<std::string, std::string> users) : users_(std::move(users)) {}

std::optional<std::string> BasicAuth::check(std::string_view authorization) {
  constexpr std::string_view kScheme = "Basic ";
  if (authorization.size() <= kScheme.size()) return std::nullopt;
  // The scheme name is case-insensitive (RFC 7235).
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return std::nullopt;
    }
  }
  auto decoded = base64_decode(authorization.substr(kScheme.size()));
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string user = decoded->substr(0, colon);
  if (!verify(user, std::string_view(*decoded).substr(colon + 1))) return std::nullopt;
  return user;
}

bool BasicAuth::verify(const std::string& user, std::string_view password) {
  auto it = users_.find(user);
  if (it == users_.end()) {
    if (!dummy_setting().empty()) bcrypt_verify(password, dummy_setting());
    return false;
  }
  auto key = cache_key(user, it->second, password);
  {
    std::lock_guard lock(mutex_);
    if (verified_.count(key) != 0) return true;
  }
  if (!bcrypt_verify(password, it->second)) return false;
  std::lock_guard lock(mutex_);
  if (verified_.size() >= kMaxCached) verified_.clear();
  verified_.insert(std::move(key));
  return true;
}

std::size_t BasicAuth::cached() const {
  std::lock_guard lock(mutex_);
  return verified_.size();
}

std::optional<std::string> base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace bridge::api
