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
