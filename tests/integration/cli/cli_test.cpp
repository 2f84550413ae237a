// The command-line contract of docs/contract.md: --help, --version, exit codes.
#include <gtest/gtest.h>

#include "testing/process.h"

namespace {

using testing_support::bin;
using testing_support::run;

TEST(CliTest, help_prints_every_subcommand_and_exits_0) {
  auto r = run({bin("dlms-bridge"), "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* sub : {"run", "check-config", "read", "ctl"}) EXPECT_NE(r.out.find(sub), std::string::npos) << sub;
}

TEST(CliTest, version_names_program_version_and_revision) {
  auto r = run({bin("dlms-bridge"), "--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("dlms-bridge 0."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("revision"), std::string::npos) << r.out;
}

TEST(CliTest, unknown_flag_is_a_usage_error_with_exit_2) {
  auto r = run({bin("dlms-bridge"), "--no-such-flag"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(r.err.empty() && r.out.empty());
}

TEST(CliTest, missing_subcommand_is_a_usage_error) {
  auto r = run({bin("dlms-bridge")});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(CliTest, subcommand_help_exits_0) {
  for (const char* sub : {"run", "check-config", "read", "ctl"}) {
    auto r = run({bin("dlms-bridge"), sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub << ": " << r.err;
  }
}

TEST(CliTest, bad_log_level_is_a_usage_error) {
  auto r = run({bin("dlms-bridge"), "--log-level", "loud", "check-config", "x.toml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("loud"), std::string::npos);
}

}  // namespace
