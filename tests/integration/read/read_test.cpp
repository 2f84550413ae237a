// `dlms-bridge read` against the real dlms-meter-sim on 127.0.0.1 ephemeral ports: the five
// Microstar registers over HDLC (1-, 2-, 4-byte server addresses) and the wrapper, LLS and the
// public client, --list, --json, --verbose, and one distinct message per failure.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "read_fixture.h"
#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using read_test::read;
using read_test::Sim;
using testing_support::bin;
using testing_support::RunResult;

struct Line {
  std::string key, obis, unit;
  double value = 0;
  long long raw = 0;
  int scaler = 0;
};

// "voltage_l1 1-1:32.7.0 = 135.19 V (raw 13519, scaler -2)"
std::map<std::string, Line> parse_lines(const std::string& out) {
  static const std::regex kLine(R"(^(\w+) (\S+) = (-?[0-9.]+) ?(\S*) \(raw (-?\d+), scaler (-?\d+)\)$)");
  std::map<std::string, Line> lines;
  std::istringstream in(out);
  std::string text;
  while (std::getline(in, text)) {
    std::smatch m;
    if (!std::regex_match(text, m, kLine)) continue;
    Line l{m[1], m[2], m[4], std::stod(m[3]), std::stoll(m[5]), std::stoi(m[6])};
    lines[l.key] = l;
  }
  return lines;
}

// The five registers, correctly scaled (value = raw x 10^scaler) with their units and plausible values.
void expect_microstar_registers(const RunResult& r) {
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto lines = parse_lines(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  const std::map<std::string, std::pair<std::string, std::string>> expected{
      {"voltage_l1", {"1-1:32.7.0", "V"}},  {"current_l1", {"1-1:31.7.0", "A"}},
      {"frequency", {"1-1:14.7.0", "Hz"}},  {"active_power", {"1-1:1.7.0", "W"}},
      {"active_energy", {"1-1:1.8.0", "Wh"}}};
  for (const auto& [key, want] : expected) {
    ASSERT_TRUE(lines.count(key)) << key << " missing in\n" << r.out;
    const auto& l = lines[key];
    EXPECT_EQ(l.obis, want.first);
    EXPECT_EQ(l.unit, want.second) << key;
    const double scaled = static_cast<double>(l.raw) * std::pow(10.0, l.scaler);
    EXPECT_NEAR(l.value, scaled, std::pow(10.0, std::min(l.scaler, 0)) / 2) << key;
  }
  EXPECT_GT(lines["voltage_l1"].value, 100);
  EXPECT_LT(lines["voltage_l1"].value, 170);
  EXPECT_GT(lines["frequency"].value, 55);
  EXPECT_LT(lines["frequency"].value, 65);
}

TEST(ReadTest, hdlc_one_byte_address_with_lls_reads_the_five_registers) {
  Sim sim({});
  expect_microstar_registers(read(sim.port(), {}));
}

TEST(ReadTest, hdlc_two_byte_server_address) {
  Sim sim({});
  expect_microstar_registers(
      read(sim.port(), {"--server-logical", "1", "--server-physical", "1", "--address-size", "2"}));
}

TEST(ReadTest, hdlc_four_byte_server_address) {
  Sim sim({});
  expect_microstar_registers(
      read(sim.port(), {"--server-logical", "1", "--server-physical", "1", "--address-size", "4"}));
}

TEST(ReadTest, one_byte_address_takes_the_one_value_given_explicitly) {
  // --server-logical 1 alone with one byte means the byte 0x03 (the default physical 1 yields).
  Sim sim({});
  expect_microstar_registers(read(sim.port(), {"--server-logical", "1", "--address-size", "1"}));
  expect_microstar_registers(read(sim.port(), {"--server-physical", "1", "--address-size", "1"}));
}

TEST(ReadTest, wrapper_transport) {
  Sim sim({"--transport", "wrapper"});
  expect_microstar_registers(read(sim.port(), {"--transport", "wrapper"}));
}

TEST(ReadTest, public_client_without_password) {
  Sim sim({});
  expect_microstar_registers(read(sim.port(), {"--client-sap", "16", "--auth", "none"}));
}

TEST(ReadTest, explicit_obis_with_class_and_attribute) {
  Sim sim({});
  auto r = read(sim.port(), {"--obis", "1-1:32.7.0", "--obis", "1-1:14.7.0*255/3/2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = parse_lines(r.out);
  EXPECT_EQ(lines.size(), 2u) << r.out;
  EXPECT_TRUE(lines.count("voltage_l1"));
  EXPECT_TRUE(lines.count("frequency"));
}

TEST(ReadTest, list_prints_the_object_list_with_descriptions) {
  Sim sim({});
  auto r = read(sim.port(), {"--list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("0-0:40.0.0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Association LN"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1-1:32.7.0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Phase L1 voltage, instantaneous"), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(class +3 v\d +1-1:32\.7\.0 +Register)"))) << r.out;
}

TEST(ReadTest, json_is_machine_readable) {
  Sim sim({});
  auto r = read(sim.port(), {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_TRUE(doc["ok"].get<bool>());
  ASSERT_EQ(doc["registers"].size(), 5u);
  const auto& v = doc["registers"][0];
  EXPECT_EQ(v["key"], "voltage_l1");
  EXPECT_EQ(v["unit"], "V");
  EXPECT_EQ(v["unit_code"], 35);
  EXPECT_NEAR(v["value"].get<double>(), v["raw"].get<double>() * std::pow(10.0, v["scaler"].get<int>()), 1e-6);
  EXPECT_EQ(doc["meter"]["transport"], "hdlc");
}

TEST(ReadTest, verbose_dumps_every_frame_with_a_timestamp) {
  Sim sim({});
  auto r = read(sim.port(), {"--verbose", "--obis", "1-1:32.7.0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string ts = R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)";
  // Production SNRM and DISC bytes (docs/protocol.md 1.6, 1.12), and the GET of attribute 3 then 2.
  EXPECT_TRUE(std::regex_search(r.err, std::regex(ts + " TX 7E A0 07 03 03 93 8C 11 7E"))) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex(ts + " RX 7E A0 .. 03 03 73 "))) << r.err;  // UA
  EXPECT_TRUE(std::regex_search(r.err, std::regex(ts + " TX 7E A0 07 03 03 53 80 D7 7E"))) << r.err;
  EXPECT_NE(r.err.find("C0 01 C1 00 03 01 01 20 07 00 FF 03 00"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("C0 01 C2 00 03 01 01 20 07 00 FF 02 00"), std::string::npos) << r.err;
  // 5 TX (SNRM, AARQ, GET x2, DISC) and 5 RX.
  auto count = [&](const std::string& what) {
    std::size_t n = 0;
    for (auto pos = r.err.find(what); pos != std::string::npos; pos = r.err.find(what, pos + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count(" TX 7E"), 5u) << r.err;
  EXPECT_EQ(count(" RX 7E"), 5u) << r.err;
}

TEST(ReadTest, release_sends_rlrq_and_waits_for_rlre_before_disc) {
  Sim sim({"--profile", "generic", "--meters", "1"});
  auto r = read(sim.port(), {"--release", "--verbose", "--server-logical", "1", "--server-physical", "1",
                             "--address-size", "4", "--obis", "1-0:32.7.0"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  // RLRQ (E6 E6 00 62 ...) out, RLRE (E6 E7 00 63 ...) back, and only then DISC.
  const auto rlrq = r.err.find(" E6 E6 00 62 ");
  const auto rlre = r.err.find(" E6 E7 00 63 ");
  ASSERT_NE(rlrq, std::string::npos) << r.err;
  ASSERT_NE(rlre, std::string::npos) << r.err;
  EXPECT_LT(rlrq, rlre);
  EXPECT_LT(rlre, r.err.rfind(" TX 7E")) << r.err;  // the last frame sent is the DISC
  // Without --release the association ends with DISC alone.
  auto plain = read(sim.port(), {"--verbose", "--server-logical", "1", "--server-physical", "1", "--address-size", "4",
                                 "--obis", "1-0:32.7.0"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.err.find(" E6 E6 00 62 "), std::string::npos) << plain.err;
}

// ---- failures: exit 1 and a distinct, precise reason each ----

TEST(ReadTest, wrong_password_is_rejected_with_diagnostic_13) {
  Sim sim({});
  auto r = read(sim.port(), {"--password", "00000000"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("association rejected: authentication failure (diagnostic 13)"), std::string::npos) << r.err;
}

TEST(ReadTest, wrong_server_address_is_refused_at_link_level) {
  Sim sim({});
  auto r = read(sim.port(), {"--server-physical", "5", "--timeout", "2s"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("link refused: meter answered DM to SNRM (wrong server address"), std::string::npos) << r.err;
}

TEST(ReadTest, silent_meter_times_out_at_the_configured_timeout) {
  Sim sim({"--fault", "silent=true"});
  auto r = read(sim.port(), {"--timeout", "500ms"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("timeout: no UA to SNRM within 500ms"), std::string::npos) << r.err;
}

TEST(ReadTest, refused_port) {
  const auto port = std::to_string(testing_support::free_port());
  auto r = read(port, {});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("connection refused by 127.0.0.1:" + port), std::string::npos) << r.err;
}

TEST(ReadTest, peer_closing_mid_frame) {
  Sim sim({"--fault", "drop_mid_frame=1"});
  auto r = read(sim.port(), {});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("peer closed the connection mid-frame"), std::string::npos) << r.err;
}

TEST(ReadTest, usage_errors_exit_2) {
  EXPECT_EQ(read("4059", {"--obis", "1-1:32.7"}).exit_code, 2);
  EXPECT_EQ(read("4059", {"--address-size", "3"}).exit_code, 2);
  EXPECT_EQ(read("4059", {"--transport", "tcp"}).exit_code, 2);
  EXPECT_EQ(read("4059", {"--timeout", "soon"}).exit_code, 2);
  auto r = read("4059", {"--server-logical", "1", "--server-physical", "1", "--address-size", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--address-size 1 carries one value: give --server-logical or --server-physical, not both"),
            std::string::npos)
      << r.err;
  // A value the byte cannot hold is named with the sizes that can.
  auto big = read("4059", {"--server-physical", "1234", "--address-size", "1"});
  EXPECT_EQ(big.exit_code, 2);
  EXPECT_NE(big.err.find("does not fit --address-size 1"), std::string::npos) << big.err;
}

}  // namespace
