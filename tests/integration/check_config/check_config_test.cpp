// `dlms-bridge check-config FILE` as an operator runs it: exit codes, stderr format, summary.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "testing/process.h"

namespace {

using testing_support::bin;
using testing_support::run;
using testing_support::source;
using testing_support::TempDir;
using testing_support::write_file;

TEST(CheckConfigCliTest, microstar_profile_is_valid_and_summarised_on_one_line) {
  const std::string path = source("config/microstar.toml");
  auto r = run({bin("dlms-bridge"), "check-config", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, path + ": ok: 1 meter, 5 registers, mqtt gateway 127.0.0.1:1883, http 127.0.0.1:9947\n");
  EXPECT_EQ(r.out.find("22222222"), std::string::npos);
  EXPECT_EQ(r.out.find("11111111"), std::string::npos);
}

TEST(CheckConfigCliTest, every_shipped_config_passes) {
  for (const char* name : {"config/demo.toml", "config/microstar.toml", "config/production.example.toml"}) {
    auto r = run({bin("dlms-bridge"), "check-config", source(name)});
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
  }
}

TEST(CheckConfigCliTest, unknown_key_and_negative_timeout_exit_1_with_both_positions) {
  TempDir dir;
  const auto path = (dir / "bad.toml").string();
  write_file(path,
             "[qos]\n"
             "request_timeout = \"-7s\"\n"
             "\n"
             "[[meter]]\n"
             "id = \"m1\"\n"
             "host = \"127.0.0.1\"\n"
             "auth = \"low\"\n"
             "password = \"Pw-not-to-leak\"\n"
             "pasword_file = \"x\"\n");
  auto r = run({bin("dlms-bridge"), "check-config", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find(path + ":2:19: \"request_timeout\" in [qos]: negative duration \"-7s\"\n"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(path + ":9:1: unknown key \"pasword_file\" in [[meter]] \"m1\"\n"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Pw-not-to-leak"), std::string::npos) << r.err;
  // Every line of stderr is one problem with the FILE:LINE:COL: prefix.
  const std::regex line_re("^" + std::regex_replace(path, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                           R"(:[0-9]+:[0-9]+: .+$)");
  std::istringstream lines(r.err);
  std::string line;
  int problems = 0;
  while (std::getline(lines, line)) {
    EXPECT_TRUE(std::regex_match(line, line_re)) << line;
    ++problems;
  }
  EXPECT_EQ(problems, 2);
}

TEST(CheckConfigCliTest, toml_syntax_error_is_reported_with_a_position) {
  TempDir dir;
  const auto path = (dir / "syntax.toml").string();
  write_file(path, "[mqtt]\nhost = \"127.0.0.1\nport = 1883\n");
  auto r = run({bin("dlms-bridge"), "check-config", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(path + ":2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("TOML syntax error"), std::string::npos) << r.err;
}

TEST(CheckConfigCliTest, missing_file_exits_1_and_missing_argument_is_a_usage_error) {
  auto r = run({bin("dlms-bridge"), "check-config", "/nonexistent/x.toml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent/x.toml: cannot read config file"), std::string::npos) << r.err;
  auto u = run({bin("dlms-bridge"), "check-config"});
  EXPECT_EQ(u.exit_code, 2);
}

}  // namespace

namespace {

// The shard's meter count, from --shard or the environment; a bad shard is a clear error.
TEST(CheckConfigCliTest, counts_the_meters_of_the_shard) {
  TempDir dir;
  const auto path = (dir / "fleet.toml").string();
  std::string text;
  for (int i = 0; i < 9; ++i) {
    text += "[[meter]]\nid = \"meter-" + std::to_string(i) + "\"\nhost = \"127.0.0.1\"\n";
  }
  write_file(path, text);
  // Each shard's count adds up to the file's: every meter on exactly one shard.
  int total = 0;
  for (int i = 0; i < 3; ++i) {
    auto r = run({bin("dlms-bridge"), "check-config", "--shard", std::to_string(i) + "/3", path});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, std::regex(": ok: ([0-9]+) meters? on shard " + std::to_string(i) +
                                                       "/3 \\(of 9 in the file\\)")))
        << r.out;
    total += std::stoi(m[1]);
  }
  EXPECT_EQ(total, 9);
  auto bad = run({bin("dlms-bridge"), "check-config", "--shard", "3/3", path});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--shard: shard \"3/3\": index 3 is not below the count 3"), std::string::npos) << bad.err;
  auto env = run({"env", "DLMS_BRIDGE_SHARD=dlms-bridge-2", "DLMS_BRIDGE_SHARDS=3", bin("dlms-bridge"), "check-config",
                  path});
  EXPECT_EQ(env.exit_code, 0) << env.err;
  EXPECT_NE(env.out.find("on shard 2/3 (of 9 in the file)"), std::string::npos) << env.out;
  auto no_count = run({"env", "DLMS_BRIDGE_SHARD=dlms-bridge-2", bin("dlms-bridge"), "check-config", path});
  EXPECT_EQ(no_count.exit_code, 1);
  EXPECT_NE(no_count.err.find("DLMS_BRIDGE_SHARDS"), std::string::npos) << no_count.err;
}

}  // namespace
