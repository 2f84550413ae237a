// The command-line contract of docs/contract.md: --help, --version, exit codes.
#include <gtest/gtest.h>

#include "testing/process.h"

namespace {

using testing_support::bin;
using testing_support::run;

TEST(CliTest, help_prints_every_subcommand_and_exits_0) {
  auto r = run({bin("dlms-bridge"), "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* sub : {"run", "check-config", "read", "discover", "ctl"}) {
    EXPECT_NE(r.out.find(sub), std::string::npos) << sub;
  }
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
  for (const char* sub : {"run", "check-config", "read", "discover", "ctl"}) {
    auto r = run({bin("dlms-bridge"), sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub << ": " << r.err;
  }
}

TEST(CliTest, bad_log_level_is_a_usage_error) {
  auto r = run({bin("dlms-bridge"), "--log-level", "loud", "check-config", "x.toml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("loud"), std::string::npos);
}

TEST(CliTest, unknown_subcommand_is_named_and_the_subcommands_listed) {
  auto r = run({bin("dlms-bridge"), "bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown subcommand \"bogus\""), std::string::npos) << r.err;
  for (const char* sub : {"run", "check-config", "read", "discover", "ctl"}) {
    EXPECT_NE(r.err.find(sub), std::string::npos) << sub << ": " << r.err;
  }
  auto ctl = run({bin("dlms-bridge"), "ctl", "bogus"});
  EXPECT_EQ(ctl.exit_code, 2);
  EXPECT_NE(ctl.err.find("dlms-bridge ctl: unknown subcommand \"bogus\""), std::string::npos) << ctl.err;
  EXPECT_NE(ctl.err.find("action-plan"), std::string::npos) << ctl.err;
}

TEST(CliTest, global_flags_work_after_the_subcommand) {
  // --log-level after the subcommand reaches the global option: a bad value is named...
  auto bad = run({bin("dlms-bridge"), "check-config", "x.toml", "--log-level", "loud"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("loud"), std::string::npos) << bad.err;
  // ...and a good one is accepted: `run` gets as far as reading its config (exit 1, not 2).
  auto r = run({bin("dlms-bridge"), "run", "--config", "/nonexistent/dlms-bridge.toml", "--log-level", "debug"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/dlms-bridge.toml"), std::string::npos) << r.err;
  // Every subcommand, nested ctl ones included: the flag after it reaches the global option
  // (a bad value is named and is a usage error, not "unknown option" or ignored).
  const std::vector<std::vector<std::string>> every = {
      {"run", "--config", "x.toml"},
      {"check-config", "x.toml"},
      {"read", "--host", "127.0.0.1"},
      {"discover", "--host", "127.0.0.1"},
      {"ctl", "list"},
      {"ctl", "status", "m1"},
      {"backup", "--to", "x.db"},
  };
  for (auto args : every) {
    args.insert(args.begin(), bin("dlms-bridge"));
    const auto label = args[1] + (args[1] == "ctl" ? " " + args[2] : "");
    args.insert(args.end(), {"--log-level", "loud"});
    auto after = run(args);
    EXPECT_EQ(after.exit_code, 2) << label << ": " << after.err;
    EXPECT_NE(after.err.find("unknown --log-level 'loud'"), std::string::npos) << label << ": " << after.err;
  }
}

TEST(CliTest, read_defaults_to_the_field_port) {
  // The Microstar profile defaults of `read`, like [[meter]] port, include port 3333 (README).
  auto r = run({bin("dlms-bridge"), "read", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("=3333"), std::string::npos) << r.out;
}

}  // namespace
