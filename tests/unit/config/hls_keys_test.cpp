// [[meter]] auth = "hls_gmac": keys only from files (hex, 16 bytes), validated with
// file:line:col errors that never contain key material, and masked in every printout.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "bridge/config/config.h"
#include "bridge/config/diff.h"
#include "bridge/config/summary.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;

constexpr const char* kEk = "000102030405060708090a0b0c0d0e0f";
constexpr const char* kAk = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF";

class HlsKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("config-hls-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    write("m1.ek", std::string(kEk) + "\n");
    write("m1.ak", kAk);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  bridge::config::LoadResult load(const std::string& meter_keys) {
    return bridge::config::load_string("[[meter]]\nid = \"m1\"\nhost = \"h\"\n" + meter_keys, "test.toml", dir_);
  }
  fs::path dir_;
};

const std::string kValid =
    "auth = \"hls_gmac\"\nsystem_title = \"4d4d4d0000000001\"\nblock_cipher_key_file = \"m1.ek\"\n"
    "authentication_key_file = \"m1.ak\"\nsecurity_policy = \"authenticated\"\n"
    "invocation_counter_obis = \"0-0:43.1.0.255\"\n";

TEST_F(HlsKeysTest, loads_keys_from_files_and_never_prints_them) {
  auto r = load(kValid);
  ASSERT_TRUE(r) << config_test::all_errors(r.error());
  const auto& m = r->meters[0];
  EXPECT_EQ(m.auth, bridge::config::Auth::hls_gmac);
  EXPECT_EQ(m.system_title, "4D4D4D0000000001");
  EXPECT_EQ(m.block_cipher_key.reveal(), "000102030405060708090A0B0C0D0E0F");
  EXPECT_EQ(m.authentication_key.reveal(), kAk);
  EXPECT_EQ(m.security_policy, "authenticated");
  EXPECT_EQ(m.invocation_counter_obis, "0-0:43.1.0");
  const std::string dump = bridge::config::to_redacted_json(*r);
  EXPECT_EQ(dump.find("0A0B0C"), std::string::npos) << dump;
  EXPECT_EQ(dump.find("0a0b0c"), std::string::npos) << dump;
  EXPECT_EQ(dump.find("D8D9DA"), std::string::npos) << dump;
  EXPECT_NE(dump.find("\"block_cipher_key\": \"<secret>\""), std::string::npos) << dump;
}

TEST_F(HlsKeysTest, bad_keys_are_named_with_their_position_and_without_their_value) {
  write("short.ek", "00010203");
  write("nothex.ak", "Z0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF");
  auto r = load(
      "auth = \"hls_gmac\"\nsystem_title = \"4D4D\"\nblock_cipher_key_file = \"short.ek\"\n"
      "authentication_key_file = \"nothex.ak\"\n");
  ASSERT_FALSE(r);
  const std::string all = config_test::all_errors(r.error());
  EXPECT_NE(all.find("test.toml:5:16: \"system_title\" in [[meter]] \"m1\": expected 8 bytes as 16 hex digits"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("test.toml:6:25:"), std::string::npos) << all;
  EXPECT_NE(all.find("holds 4 bytes, an HLS-GMAC key is 16 bytes (32 hex digits)"), std::string::npos) << all;
  EXPECT_NE(all.find("must hold the key as hex digits"), std::string::npos) << all;
  EXPECT_EQ(all.find("Z0D1"), std::string::npos) << all;
  EXPECT_EQ(all.find("00010203"), std::string::npos) << all;
}

TEST_F(HlsKeysTest, inline_keys_and_missing_files_are_refused) {
  auto r = load("auth = \"hls_gmac\"\nsystem_title = \"4D4D4D0000000001\"\nblock_cipher_key = \"" + std::string(kEk) +
                "\"\n");
  ASSERT_FALSE(r);
  const std::string all = config_test::all_errors(r.error());
  EXPECT_NE(all.find("keys are read only from files: use block_cipher_key_file"), std::string::npos) << all;
  EXPECT_NE(all.find("auth = \"hls_gmac\" needs authentication_key_file"), std::string::npos) << all;
  EXPECT_EQ(all.find(kEk), std::string::npos) << all;
  auto low = load("auth = \"low\"\npassword = \"x\"\nsystem_title = \"4D4D4D0000000001\"\n");
  ASSERT_FALSE(low);
  EXPECT_NE(config_test::all_errors(low.error()).find("applies only to auth = \"hls_gmac\""), std::string::npos);
}

TEST_F(HlsKeysTest, ciphering_defaults_to_glo_and_accepts_general_glo) {
  auto r = load(kValid);
  ASSERT_TRUE(r) << config_test::all_errors(r.error());
  EXPECT_EQ(r->meters[0].ciphering, "glo");
  auto general = load(kValid + "ciphering = \"general_glo\"\n");
  ASSERT_TRUE(general) << config_test::all_errors(general.error());
  EXPECT_EQ(general->meters[0].ciphering, "general_glo");
  // Shown in the summary, and a change needs a new session (the association's form changes).
  const std::string dump = bridge::config::to_redacted_json(*general);
  EXPECT_NE(dump.find("\"ciphering\": \"general_glo\""), std::string::npos) << dump;
  EXPECT_FALSE(bridge::config::same_connection(r->meters[0], general->meters[0]));
}

TEST_F(HlsKeysTest, bad_ciphering_is_named_with_its_position) {
  auto r = load(kValid + "ciphering = \"general-glo\"\n");
  ASSERT_FALSE(r);
  const std::string all = config_test::all_errors(r.error());
  EXPECT_NE(all.find("test.toml:10:13: \"ciphering\" in [[meter]] \"m1\": unknown value \"general-glo\" "
                     "(expected glo | general_glo)"),
            std::string::npos)
      << all;
  auto lls = load("auth = \"low\"\npassword = \"x\"\nciphering = \"general_glo\"\n");
  ASSERT_FALSE(lls);
  const std::string lls_errors = config_test::all_errors(lls.error());
  EXPECT_NE(lls_errors.find("test.toml:6:13: \"ciphering\" in [[meter]] \"m1\": applies only to auth = \"hls_gmac\""),
            std::string::npos)
      << lls_errors;
}

}  // namespace
