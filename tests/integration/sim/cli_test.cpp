// dlms-meter-sim command line: help, version, usage errors, scenario errors, clean shutdown.
#include <gtest/gtest.h>

#include <csignal>

#include "sim_fixture.h"

namespace {

using namespace sim_it;
using testing_support::bin;
using testing_support::run;

TEST(SimCliTest, help_lists_the_options_and_exits_0) {
  auto r = run({bin("dlms-meter-sim"), "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* o : {"--listen", "--meters", "--ports", "--profile", "--transport", "--scenario", "--control",
                        "--verbose", "--seed", "--fault"}) {
    EXPECT_NE(r.out.find(o), std::string::npos) << o;
  }
}

TEST(SimCliTest, version_names_the_program_and_revision) {
  auto r = run({bin("dlms-meter-sim"), "--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("dlms-meter-sim 0."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("revision"), std::string::npos) << r.out;
}

TEST(SimCliTest, usage_errors_exit_2) {
  EXPECT_EQ(run({bin("dlms-meter-sim"), "--no-such-flag"}).exit_code, 2);
  EXPECT_EQ(run({bin("dlms-meter-sim"), "--profile", "landis"}).exit_code, 2);
  EXPECT_EQ(run({bin("dlms-meter-sim"), "--meters", "0"}).exit_code, 2);
  EXPECT_EQ(run({bin("dlms-meter-sim"), "--listen", "nonsense"}).exit_code, 2);
  EXPECT_EQ(run({bin("dlms-meter-sim"), "--scenario", "/nonexistent.toml"}).exit_code, 2);
}

TEST(SimCliTest, bad_fault_and_bad_scenario_exit_1_with_the_reason) {
  auto f = run({bin("dlms-meter-sim"), "--listen", "127.0.0.1:0", "--fault", "corrupt_fcs=2"});
  EXPECT_EQ(f.exit_code, 1);
  EXPECT_NE(f.err.find("corrupt_fcs"), std::string::npos) << f.err;
  testing_support::TempDir dir;
  testing_support::write_file(dir / "s.toml", "[defaults]\nsilent = true\nbogus = 1\n");
  auto s = run({bin("dlms-meter-sim"), "--listen", "127.0.0.1:0", "--scenario", (dir / "s.toml").string()});
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_NE(s.err.find("s.toml:3:"), std::string::npos) << s.err;
}

TEST(SimCliTest, control_must_be_loopback) {
  auto r = run({bin("dlms-meter-sim"), "--listen", "127.0.0.1:0", "--control", "0.0.0.0:0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("loopback"), std::string::npos) << r.err;
}

TEST(SimCliTest, prints_the_listening_line_and_stops_cleanly_on_sigterm_and_sigint) {
  for (int sig : {SIGTERM, SIGINT}) {
    SimProcess sim({"--meters", "4", "--ports", "consecutive"});
    EXPECT_GT(sim.port(), 0);
    EXPECT_EQ(sim.last_port(), sim.port() + 3);
    EXPECT_GT(sim.control_port(), 0);
    RawClient c(sim.port());
    ASSERT_TRUE(c.send(hex(kProductionSnrm)));
    ASSERT_TRUE(c.read_frame());
    EXPECT_EQ(sim.child().stop(sig), 0) << sim.log();
    EXPECT_TRUE(c.wait_closed());
  }
}

TEST(SimCliTest, scenario_file_sets_faults_per_meter) {
  testing_support::TempDir dir;
  testing_support::write_file(dir / "s.toml", "[[meter]]\nid = 2\nsilent = true\n");
  SimProcess sim({"--meters", "2", "--scenario", (dir / "s.toml").string()});
  EXPECT_EQ(sim.get("/api/v1/meters/2")["faults"]["silent"], true);
  EXPECT_EQ(sim.get("/api/v1/meters/1")["faults"]["silent"], false);
  RawClient c(sim.port());
  ASSERT_TRUE(c.send(snrm(1, 2, 4)));
  EXPECT_FALSE(c.read_frame(300ms));
  EXPECT_EQ(sim.count(2, "silent"), 1U);
}

}  // namespace
