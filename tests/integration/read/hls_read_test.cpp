// `dlms-bridge read --auth hls-gmac` against dlms-meter-sim with an HLS-GMAC client: the five
// registers over ciphered APDUs (glo- or general-glo, as the frame dump shows), the invocation
// counter read through the public client, a wrong key or a reused counter failing with the AARE
// diagnostic, and the ciphered release the simulator demands.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "read_fixture.h"

namespace {

using read_test::read;
using read_test::Sim;

const std::vector<std::string> kHls{"--auth",           "hls-gmac",
                                    "--system-title",   "4D4D4D0000000001",
                                    "--block-cipher-key", "000102030405060708090A0B0C0D0E0F",
                                    "--authentication-key", "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF",
                                    "--server-logical", "1", "--address-size", "2", "--timeout", "2s"};

std::vector<std::string> with(std::vector<std::string> extra, std::vector<std::string> base = kHls) {
  base.insert(base.end(), extra.begin(), extra.end());
  return base;
}

TEST(HlsReadTest, reads_ciphered_registers_and_continues_above_the_meters_invocation_counter) {
  Sim sim({"--hls-gmac-client", "1"});
  auto first = read(sim.port(), with({"--invocation-counter-obis", "0-0:43.1.0", "--json"}));
  ASSERT_EQ(first.exit_code, 0) << first.err << first.out;
  auto doc = nlohmann::json::parse(first.out);
  EXPECT_EQ(doc["meter"]["auth"], "hls_gmac");
  ASSERT_EQ(doc["registers"].size(), 5u) << first.out;
  EXPECT_GT(doc["registers"][0]["value"].get<double>(), 100.0);
  // The keys are never shown.
  EXPECT_EQ(first.out.find("000102030405060708090A0B0C0D0E0F"), std::string::npos);
  EXPECT_EQ(first.err.find("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"), std::string::npos);

  // Without reading the counter the probe starts at 1 again: the meter refuses the replay.
  auto replay = read(sim.port(), kHls);
  EXPECT_EQ(replay.exit_code, 1) << replay.out;
  EXPECT_NE(replay.err.find("association rejected: authentication failure (diagnostic 13)"), std::string::npos)
      << replay.err;

  // Reading it first, a second probe works.
  auto again = read(sim.port(), with({"--invocation-counter-obis", "0-0:43.1.0"}));
  EXPECT_EQ(again.exit_code, 0) << again.err << again.out;
}

TEST(HlsReadTest, wrong_authentication_key_is_a_named_rejection) {
  Sim sim({"--hls-gmac-client", "1"});
  auto args = kHls;
  args[7] = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDE00";
  auto r = read(sim.port(), with({"--json"}, args));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["error"]["kind"], "association_rejected") << r.out;
  EXPECT_EQ(doc["error"]["diagnostic"], 13) << r.out;
}

TEST(HlsReadTest, wrong_authentication_key_under_encryption_only_fails_at_pass_3) {
  Sim sim({"--hls-gmac-client", "1", "--hls-security-policy", "encrypted"});
  auto args = with({"--security-policy", "encrypted"});
  args[7] = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDE00";
  auto r = read(sim.port(), args);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("authentication failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("refused f(StoC)"), std::string::npos) << r.err;
}

TEST(HlsReadTest, bad_key_options_are_usage_errors) {
  auto args = kHls;
  args[5] = "0001";
  auto r = read("1", args);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad --block-cipher-key: expected 32 hex digits"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("0001"), std::string::npos) << r.err;  // the value is not echoed
  r = read("1", {"--auth", "hls-gmac"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--auth hls-gmac needs --system-title"), std::string::npos) << r.err;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST(HlsReadTest, ciphering_general_glo_puts_general_glo_ciphering_on_the_wire) {
  Sim sim({"--hls-gmac-client", "1"});
  // general-glo-ciphering from us: DB 08 <our system title>; the meter answers in kind.
  const std::string ours = " E6 E6 00 DB 08 4D 4D 4D 00 00 00 00 01 ";
  const std::string theirs = " E6 E7 00 DB 08 4D 4D 4D 00 00 BC 61 4E ";
  auto general = read(sim.port(), with({"--ciphering", "general-glo", "--verbose", "--json"}));
  ASSERT_EQ(general.exit_code, 0) << general.err << general.out;
  EXPECT_EQ(nlohmann::json::parse(general.out)["registers"].size(), 5u) << general.out;
  // Pass 3 and ten GETs (scaler-unit and value of the five registers), and their answers.
  EXPECT_EQ(count(general.err, ours), 11u) << general.err;
  EXPECT_EQ(count(general.err, theirs), 11u) << general.err;
  EXPECT_EQ(count(general.err, " E6 E6 00 C8 "), 0u) << general.err;  // no glo-get-request

  // The default is the glo- tags (C8 glo-get-request), never DB.
  auto glo = read(sim.port(), with({"--invocation-counter-obis", "0-0:43.1.0", "--verbose"}));
  ASSERT_EQ(glo.exit_code, 0) << glo.err << glo.out;
  EXPECT_EQ(count(glo.err, " E6 E6 00 C8 "), 10u) << glo.err;
  EXPECT_EQ(count(glo.err, " DB 08 "), 0u) << glo.err;
}

TEST(HlsReadTest, release_is_ciphered_and_accepted_by_a_meter_that_demands_it) {
  Sim sim({"--hls-gmac-client", "1"});
  auto r = read(sim.port(), with({"--release", "--verbose", "--json"}));
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["released"], true) << r.out << r.err;
  // RLRQ with reason normal and a glo-initiate-request (21, SC 30) in its user-information; the
  // RLRE back with a glo-initiate-response (28); then DISC.
  const auto rlrq = r.err.find(" E6 E6 00 62 28 80 01 00 BE 23 04 21 21 1F 30 ");
  const auto rlre = r.err.find(" E6 E7 00 63 28 80 01 00 BE 23 04 21 28 1F 30 ");
  ASSERT_NE(rlrq, std::string::npos) << r.err;
  ASSERT_NE(rlre, std::string::npos) << r.err;
  EXPECT_LT(rlrq, rlre);
  EXPECT_LT(rlre, r.err.rfind(" TX 7E")) << r.err;  // the last frame sent is the DISC

  // The counter the release used is the meter's record now: a probe that reads it continues above.
  auto again = read(sim.port(), with({"--invocation-counter-obis", "0-0:43.1.0", "--release", "--json"}));
  EXPECT_EQ(again.exit_code, 0) << again.err << again.out;
  EXPECT_EQ(nlohmann::json::parse(again.out)["released"], true) << again.out;
}

TEST(HlsReadTest, ciphering_option_is_checked) {
  auto r = read("1", with({"--ciphering", "general_glo"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--ciphering"), std::string::npos) << r.err;
  r = read("1", {"--ciphering", "general-glo"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--ciphering applies only to --auth hls-gmac"), std::string::npos) << r.err;
}

}  // namespace
