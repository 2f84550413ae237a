#include "crypto_util.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

namespace bridge::api::detail {

std::string sha256(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest.data()), len);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool secret_equal(std::string_view a, std::string_view b) { return constant_time_equal(sha256(a), sha256(b)); }

}  // namespace bridge::api::detail
