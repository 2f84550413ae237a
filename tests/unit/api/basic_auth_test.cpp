// Basic auth with bcrypt through libxcrypt, and the credential cache.
#include "bridge/api/basic_auth.h"

#include <gtest/gtest.h>

namespace {

using bridge::api::base64_decode;
using bridge::api::BasicAuth;
using bridge::api::bcrypt_hash;
using bridge::api::bcrypt_verify;
using bridge::api::is_bcrypt_hash;
using Users = std::map<std::string, std::string>;

// OpenBSD bcrypt test vector ("U*U", cost 5).
constexpr const char* kVectorHash = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";

std::string basic(const std::string& user_pass) {
  // Tiny encoder for the test (the server only decodes).
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned v = 0;
  int bits = 0;
  for (unsigned char c : user_pass) {
    v = (v << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(a[(v >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(a[(v << (6 - bits)) & 63]);
  while (out.size() % 4 != 0) out.push_back('=');
  return "Basic " + out;
}

TEST(BcryptTest, known_vector_verifies) {
  EXPECT_TRUE(is_bcrypt_hash(kVectorHash));
  EXPECT_TRUE(bcrypt_verify("U*U", kVectorHash));
  EXPECT_FALSE(bcrypt_verify("U*V", kVectorHash));
}

TEST(BcryptTest, hash_round_trip_with_2b_prefix) {
  auto h = bcrypt_hash("s3cret", 4);
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->starts_with("$2b$04$")) << *h;
  EXPECT_TRUE(is_bcrypt_hash(*h));
  EXPECT_TRUE(bcrypt_verify("s3cret", *h));
  EXPECT_FALSE(bcrypt_verify("s3cret ", *h));
}

TEST(BcryptTest, non_bcrypt_strings_are_rejected) {
  EXPECT_FALSE(is_bcrypt_hash("plaintext"));
  EXPECT_FALSE(is_bcrypt_hash("$6$saltsalt$abcdef"));  // sha512-crypt is not accepted
  EXPECT_FALSE(is_bcrypt_hash(std::string(kVectorHash).substr(0, 59)));
}

TEST(Base64Test, decodes_with_and_without_padding) {
  EXPECT_EQ(base64_decode("dXNlcjpwYXNz"), "user:pass");
  EXPECT_EQ(base64_decode("YQ=="), "a");
  EXPECT_EQ(base64_decode("YQ"), "a");
  EXPECT_FALSE(base64_decode("a!b="));
  EXPECT_FALSE(base64_decode("Y"));
}

TEST(BasicAuthTest, checks_the_authorization_header) {
  BasicAuth auth(Users{{"prometheus", kVectorHash}});
  EXPECT_TRUE(auth.enabled());
  EXPECT_EQ(auth.check(basic("prometheus:U*U")), "prometheus");
  EXPECT_EQ(auth.check("basic " + basic("prometheus:U*U").substr(6)), "prometheus");  // scheme is case-insensitive
  EXPECT_FALSE(auth.check(basic("prometheus:wrong")));
  EXPECT_FALSE(auth.check(basic("nobody:U*U")));
  EXPECT_FALSE(auth.check(basic("no-colon")));
  EXPECT_FALSE(auth.check("Bearer abc"));
  EXPECT_FALSE(auth.check(""));
}

TEST(BasicAuthTest, verified_credentials_are_cached_wrong_ones_are_not) {
  BasicAuth auth(Users{{"u", kVectorHash}});
  EXPECT_EQ(auth.cached(), 0u);
  EXPECT_TRUE(auth.verify("u", "U*U"));
  EXPECT_EQ(auth.cached(), 1u);
  EXPECT_TRUE(auth.verify("u", "U*U"));
  EXPECT_EQ(auth.cached(), 1u);
  EXPECT_FALSE(auth.verify("u", "nope"));
  EXPECT_EQ(auth.cached(), 1u);
  // A cached password for one user does not let another password in.
  EXPECT_FALSE(auth.verify("u", "U*U "));
}

TEST(BasicAuthTest, no_users_means_disabled) { EXPECT_FALSE(BasicAuth(Users{}).enabled()); }

}  // namespace
