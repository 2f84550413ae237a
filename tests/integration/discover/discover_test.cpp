// `dlms-bridge discover` against the real dlms-meter-sim: each profile and transport, a meter on
// the vendor's factory address with a credential only the operator knows, a meter that accepts
// only the third credential, a silent and a refused port, and proof from the simulator's own
// counters that discover never holds more than one connection (association attempt) at a time.
// Every printed entry is checked with `dlms-bridge check-config`.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "sim_process.h"
#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using poller_it::SimProcess;
using testing_support::bin;
using testing_support::RunResult;

// Short pauses and deadlines keep each test to seconds; the defaults (2 s, 5 s) are for the field.
RunResult discover(const SimProcess& sim, std::vector<std::string> args) {
  std::vector<std::string> argv{bin("dlms-bridge"),         "discover", "--host", "127.0.0.1", "--port",
                                std::to_string(sim.port()), "--pause",  "0.05"};
  if (std::find(args.begin(), args.end(), "--timeout") == args.end()) args.insert(args.end(), {"--timeout", "1"});
  argv.insert(argv.end(), args.begin(), args.end());
  return testing_support::run(argv, 60s);
}

// check-config on `text` as a file: exit code and output.
RunResult check_config(const std::string& text) {
  testing_support::TempDir dir;
  const auto path = dir / "fleet.toml";
  testing_support::write_file(path, text);
  return testing_support::run({bin("dlms-bridge"), "check-config", path.string()});
}

std::string value_of(const std::string& block, const std::string& key) {
  std::smatch m;
  const std::regex line("(^|\\n)" + key + " = '?([^'\\n]*)'?");
  return std::regex_search(block, m, line) ? std::string(m[2]) : std::string("<no " + key + ">");
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

json meter_stats(const SimProcess& sim) {
  return sim.get("/api/v1/meters/1")["stats"];
}

TEST(DiscoverTest, microstar_over_hdlc_is_found_at_0x03_and_the_block_passes_check_config) {
  SimProcess sim({});
  auto r = discover(sim, {});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  // Stdout carries only the entry (a comment line and TOML); progress and findings are on stderr.
  EXPECT_EQ(r.out.find("attempt"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("attempt 1: 1-byte 0x03"), std::string::npos) << r.err;
  EXPECT_EQ(value_of(r.out, "address_size"), "1") << r.out;
  EXPECT_EQ(value_of(r.out, "server_physical"), "1");
  EXPECT_EQ(value_of(r.out, "server_logical"), "0");
  EXPECT_EQ(value_of(r.out, "port"), std::to_string(sim.port()));
  EXPECT_EQ(value_of(r.out, "id"), "meter-000019000001");
  // Identity and the grouped registers, with units.
  EXPECT_NE(r.err.find("serial number        \"000019000001\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("logical device name  not offered"), std::string::npos) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(clock +20\d\d-\d\d-\d\dT)"))) << r.err;
  for (const char* group :
       {"  Voltage\n", "  Current\n", "  Power\n", "  Energy\n", "  Frequency\n", "  Power factor\n"}) {
    EXPECT_NE(r.err.find(group), std::string::npos) << group << r.err;
  }
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(voltage_l3 +1-1:72\.7\.0 +1\d\d\.\d\d V )"))) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(active_energy +1-1:1\.8\.0 +\d+ Wh )"))) << r.err;
  EXPECT_EQ(count(r.out, "[[meter.register]]"), 10) << r.out;

  auto checked = check_config(r.out);
  EXPECT_EQ(checked.exit_code, 0) << checked.err << r.out;
  EXPECT_NE(checked.out.find("1 meter, 10 registers"), std::string::npos) << checked.out;

  // `discover ... >> fleet.toml` twice: the appended entries still make a valid file.
  auto second = discover(sim, {"--id", "second"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  auto fleet = check_config(r.out + second.out);
  EXPECT_EQ(fleet.exit_code, 0) << fleet.err;
  EXPECT_NE(fleet.out.find("2 meters"), std::string::npos) << fleet.out;
}

TEST(DiscoverTest, generic_profile_moves_past_the_refused_one_byte_address_and_reports_json) {
  SimProcess sim({"--profile", "generic"});
  auto r = discover(sim, {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto doc = json::parse(r.out);  // stdout is exactly one JSON document
  ASSERT_EQ(doc["attempts"].size(), 2u) << doc.dump(2);
  EXPECT_EQ(doc["attempts"][0]["result"], "wrong_address");
  EXPECT_EQ(doc["attempts"][1]["result"], "found");
  const auto& meter = doc["meter"];
  EXPECT_EQ(meter["address_size"], 2);
  EXPECT_EQ(meter["server_logical"], 1);
  EXPECT_EQ(meter["server_physical"], 1);
  EXPECT_EQ(meter["client_sap"], 16);
  EXPECT_EQ(meter["auth"], "none");
  EXPECT_EQ(doc["device"]["logical_device_name"]["value"], "SIM000019000001");
  EXPECT_EQ(doc["device"]["serial"]["obis"], "0-0:96.1.0");
  std::map<std::string, json> registers;
  for (const auto& reg : doc["registers"]) registers[reg["key"]] = reg;
  ASSERT_TRUE(registers.count("voltage_l1")) << doc.dump(2);
  EXPECT_EQ(registers["voltage_l1"]["obis"], "1-0:32.7.0");
  EXPECT_EQ(registers["voltage_l1"]["unit"], "V");
  EXPECT_EQ(registers["voltage_l1"]["group"], "Voltage");
  EXPECT_NEAR(registers["voltage_l1"]["value"].get<double>(), 230, 15);
  EXPECT_EQ(registers["frequency"]["unit"], "Hz");
  EXPECT_EQ(meter["register"].size(), doc["registers"].size());

  // The TOML form of the same meter passes check-config.
  auto block = discover(sim, {});
  ASSERT_EQ(block.exit_code, 0) << block.err;
  EXPECT_EQ(value_of(block.out, "address_size"), "2");
  auto checked = check_config(block.out);
  EXPECT_EQ(checked.exit_code, 0) << checked.err << block.out;
}

TEST(DiscoverTest, wrapper_transport_is_found_at_wport_1) {
  SimProcess sim({"--transport", "wrapper"});
  auto r = discover(sim, {"--transport", "wrapper"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(value_of(r.out, "transport"), "wrapper");
  EXPECT_EQ(value_of(r.out, "server_logical"), "1");
  auto checked = check_config(r.out);
  EXPECT_EQ(checked.exit_code, 0) << checked.err << r.out;
}

TEST(DiscoverTest, factory_address_from_the_serial_and_an_operator_credential) {
  testing_support::TempDir dir;
  // Every label pair and the public client are refused; only SAP 48 with its own password works.
  testing_support::write_file(dir / "scenario.toml", R"([passwords]
"16" = "not-public"
"1" = "changed1"
"32" = "changed2"
"17" = "changed3"
"48" = "s3cret:x"
)");
  SimProcess sim({"--physical-address", "1234", "--scenario", (dir / "scenario.toml").string()});

  // Without the serial, no address answers: named per attempt, exit 1, nothing on stdout.
  auto blind = discover(sim, {"--credential", "48:s3cret:x"});
  EXPECT_EQ(blind.exit_code, 1) << blind.err;
  EXPECT_TRUE(blind.out.empty()) << blind.out;
  EXPECT_EQ(count(blind.err, "wrong address: the meter answered DM"), 3) << blind.err;
  EXPECT_NE(blind.err.find("--serial"), std::string::npos) << blind.err;

  auto r = discover(sim, {"--serial", "000019001234", "--credential", "48:s3cret:x"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(value_of(r.out, "address_size"), "4") << r.out;
  EXPECT_EQ(value_of(r.out, "server_logical"), "1");
  EXPECT_EQ(value_of(r.out, "server_physical"), "1234");
  EXPECT_EQ(value_of(r.out, "client_sap"), "48");
  EXPECT_EQ(value_of(r.out, "password"), "s3cret:x");
  EXPECT_EQ(value_of(r.out, "id"), "meter-000019001234");
  EXPECT_NE(r.err.find("password in clear"), std::string::npos) << r.err;
  auto checked = check_config(r.out);
  EXPECT_EQ(checked.exit_code, 0) << checked.err << r.out;

  // The settings found really work: `read` with them gets the registers.
  auto read = testing_support::run({bin("dlms-bridge"), "read", "--host", "127.0.0.1", "--port",
                                    std::to_string(sim.port()), "--client-sap", "48", "--password", "s3cret:x",
                                    "--server-logical", "1", "--server-physical", "1234", "--address-size", "4"});
  EXPECT_EQ(read.exit_code, 0) << read.err << read.out;
}

TEST(DiscoverTest, meter_that_accepts_only_the_third_credential) {
  testing_support::TempDir dir;
  testing_support::write_file(dir / "scenario.toml", "[passwords]\n\"16\" = \"not-public\"\n\"1\" = \"changed\"\n");
  SimProcess sim({"--scenario", (dir / "scenario.toml").string()});
  auto r = discover(sim, {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto doc = json::parse(r.out);
  ASSERT_EQ(doc["attempts"].size(), 3u) << doc.dump(2);
  EXPECT_EQ(doc["attempts"][0]["result"], "rejected_password");
  EXPECT_EQ(doc["attempts"][1]["result"], "rejected_password");
  EXPECT_EQ(doc["attempts"][2]["result"], "found");
  EXPECT_EQ(doc["meter"]["client_sap"], 32);
  EXPECT_EQ(doc["meter"]["password"], "11111111");
  EXPECT_NE(r.err.find("attempt 2: rejected by password"), std::string::npos) << r.err;
  // The meter saw exactly those three associations, one connection each, never two at once.
  auto stats = meter_stats(sim);
  EXPECT_EQ(stats["connections"], 3) << stats.dump();
  EXPECT_EQ(stats["rejected_password"], 2) << stats.dump();
  EXPECT_EQ(stats["associations"], 1) << stats.dump();
  EXPECT_EQ(stats["peak_open_connections"], 1) << stats.dump();
}

TEST(DiscoverTest, all_tries_every_setting_one_connection_at_a_time) {
  SimProcess sim({});
  auto r = discover(sim, {"--all", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto doc = json::parse(r.out);
  // 3 address forms x 4 credentials, every one accepted by the simulated Microstar.
  EXPECT_EQ(doc["attempts"].size(), 12u) << doc.dump(2);
  EXPECT_EQ(doc["working"].size(), 12u);
  // The other working credentials at the chosen address become credential_alternatives.
  EXPECT_EQ(doc["meter"]["credential_alternatives"].size(), 3u) << doc["meter"].dump(2);
  auto stats = meter_stats(sim);
  EXPECT_EQ(stats["connections"], 12) << stats.dump();
  EXPECT_EQ(stats["associations"], 12) << stats.dump();
  // The Microstar serves one association at a time: an overlap would show as a peak above 1 and
  // as a busy rejection.
  EXPECT_EQ(stats["peak_open_connections"], 1) << stats.dump();
  EXPECT_EQ(stats["rejected_busy"], 0) << stats.dump();
  // Nothing is written to the meter: GET requests only.
  EXPECT_GT(stats["get_requests"].get<int>(), 0) << stats.dump();
  EXPECT_EQ(stats["set_requests"], 0) << stats.dump();
  EXPECT_EQ(stats["clock_sets"], 0) << stats.dump();
}

TEST(DiscoverTest, silent_port_names_every_attempt_and_exits_1) {
  SimProcess sim({"--fault", "silent=true"});
  auto r = discover(sim, {"--timeout", "0.3"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(count(r.err, ": silent (no answer at this address): timeout: no UA to SNRM"), 3) << r.err;
  EXPECT_NE(r.err.find("no working setting"), std::string::npos) << r.err;
  EXPECT_EQ(meter_stats(sim)["peak_open_connections"], 1);
}

TEST(DiscoverTest, refused_port_stops_at_the_first_attempt_and_exits_1) {
  SimProcess sim({"--fault", "refuse=true"});
  auto r = discover(sim, {"--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto doc = json::parse(r.out);
  EXPECT_FALSE(doc["ok"].get<bool>());
  ASSERT_EQ(doc["attempts"].size(), 1u) << doc.dump(2);
  EXPECT_EQ(doc["attempts"][0]["result"], "refused");
  EXPECT_TRUE(doc["meter"].is_null());
  EXPECT_NE(r.err.find("attempt 1: refused (nothing listens on the port)"), std::string::npos) << r.err;
}

TEST(DiscoverTest, busy_meter_ends_the_search_at_once) {
  // Another client holds the association: every further attempt would press the same meter.
  SimProcess sim({"--fault", "reject_association=busy"});
  auto r = discover(sim, {});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(count(r.err, "busy (another client holds the association)"), 1) << r.err;
  EXPECT_NE(r.err.find("next: another client holds the meter's association"), std::string::npos) << r.err;
  EXPECT_EQ(meter_stats(sim)["connections"], 1);
}

TEST(DiscoverTest, max_time_bounds_the_search) {
  SimProcess sim({"--fault", "silent=true"});
  auto r = discover(sim, {"--timeout", "30", "--max-time", "0.5", "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto doc = json::parse(r.out);
  EXPECT_TRUE(doc["out_of_time"].get<bool>()) << doc.dump(2);
  ASSERT_EQ(doc["attempts"].size(), 1u) << doc.dump(2);
  EXPECT_EQ(doc["attempts"][0]["result"], "stopped");
}

TEST(DiscoverTest, bad_options_are_usage_errors) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--credential", "0:x"},
                                               {"--credential", "1:" + std::string(17, 'x')},
                                               {"--serial", "ABC"},
                                               {"--timeout", "soon"}}) {
    std::vector<std::string> argv{bin("dlms-bridge"), "discover", "--host", "127.0.0.1", "--port", "1"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = testing_support::run(argv);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1] << ": " << r.err;
    EXPECT_NE(r.err.find(args[0]), std::string::npos) << r.err;
  }
}

}  // namespace
