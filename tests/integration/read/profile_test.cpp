// `dlms-bridge read` of the clock and of the load profile against the real dlms-meter-sim:
// the clock in ISO 8601 with deviation and status (and an offset clock), the trailing-bytes
// quirk as a warning, the profile by range (both ends inclusive), by --last N, whole (block
// transfer), and its text, CSV and JSON shapes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "dlms/cosem/date_time.h"
#include "read_fixture.h"

namespace {

using namespace std::chrono;
using read_test::read;
using read_test::Sim;
namespace cosem = dlms::cosem;

nlohmann::json json_of(const testing_support::RunResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what() << "\n" << r.out;
    return {};
  }
}

cosem::UtcTime utc(const std::string& text) {
  auto t = cosem::parse_iso8601(text);
  EXPECT_TRUE(t) << text;
  return t ? *t : cosem::UtcTime{};
}

cosem::UtcTime now() { return time_point_cast<milliseconds>(system_clock::now()); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(ReadClockTest, prints_the_clock_in_iso8601_with_deviation_and_status) {
  Sim sim({"--fault", "clock_offset_s=7200"});
  auto text = read(sim.port(), {"--obis", "0-0:1.0.0/8/2"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(std::regex_search(
      text.out, std::regex(R"(0-0:1\.0\.0/8/2 = 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\dZ \(UTC 20\S+Z, deviation 0 min, status ok\)\n)")))
      << text.out;
  auto j = json_of(read(sim.port(), {"--obis", "0-0:1.0.0/8/2", "--json"}));
  const auto& dt = j["registers"][0]["date_time"];
  EXPECT_EQ(dt["deviation_minutes"], 0);
  EXPECT_EQ(dt["status"], "ok");
  // The meter runs two hours ahead of the host.
  EXPECT_NEAR(duration<double>(utc(dt["utc"]) - now()).count(), 7200, 30);
  EXPECT_TRUE(j["protocol_warnings"].empty());
}

// docs/protocol.md 1.18: the value is used, the anomaly is reported, nothing fails.
TEST(ReadClockTest, trailing_bytes_after_the_clock_are_a_warning_not_a_failure) {
  Sim sim({"--fault", "clock_trailing_bytes=3"});
  auto j = json_of(read(sim.port(), {"--obis", "0-0:1.0.0/8/2", "--json"}));
  EXPECT_EQ(j["ok"], true);
  EXPECT_NEAR(duration<double>(utc(j["registers"][0]["date_time"]["utc"]) - now()).count(), 0, 30);
  ASSERT_EQ(j["protocol_warnings"].size(), 1U) << j.dump();
  EXPECT_NE(j["protocol_warnings"][0].get<std::string>().find("3 byte(s) after the complete value"), std::string::npos);
  auto verbose = read(sim.port(), {"--obis", "0-0:1.0.0/8/2", "--verbose"});
  ASSERT_EQ(verbose.exit_code, 0) << verbose.err;
  EXPECT_NE(verbose.err.find(" WARN 3 byte(s) after the complete value"), std::string::npos) << verbose.err;
}

TEST(ReadProfileTest, range_is_inclusive_with_named_scaled_columns_in_every_format) {
  Sim sim({});
  const auto to = floor<hours>(now()) - hours{1};
  const auto from = to - hours{2};
  const std::vector<std::string> range{"--profile", "1-0:99.1.0", "--from", cosem::utc_text(from), "--to",
                                       cosem::utc_text(to)};
  auto args = range;
  args.push_back("--json");
  auto j = json_of(read(sim.port(), args));
  ASSERT_EQ(j["rows"].size(), 9U) << j.dump();  // quarter hours of 2 h, both ends included
  EXPECT_EQ(j["rows"].front()["time"], cosem::utc_text(from));
  EXPECT_EQ(j["rows"].back()["time"], cosem::utc_text(to));
  EXPECT_EQ(j["capture_period_s"], 900);
  std::vector<std::string> names;
  for (const auto& c : j["columns"]) names.push_back(c["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"time", "active_energy", "active_power", "voltage_l1"}));
  EXPECT_EQ(j["columns"][1]["unit"], "kWh");  // Wh converted
  EXPECT_EQ(j["columns"][3]["unit"], "V");
  const double energy = j["rows"][0]["active_energy"];
  EXPECT_GT(energy, 1.0);  // kWh, not Wh: the simulated meters hold 10..100 kWh
  EXPECT_LT(energy, 1000.0);
  EXPECT_GE(j["rows"][8]["active_energy"].get<double>(), energy);
  EXPECT_NEAR(j["rows"][0]["voltage_l1"].get<double>(), 135, 10);

  args = range;
  args.push_back("--csv");
  auto csv = read(sim.port(), args);
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  auto lines = lines_of(csv.out);
  ASSERT_EQ(lines.size(), 10U) << csv.out;
  EXPECT_EQ(lines[0], "time,active_energy [kWh],active_power [W],voltage_l1 [V]");
  EXPECT_EQ(lines[1].substr(0, 21), cosem::utc_text(from) + ",");

  auto text = read(sim.port(), range);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(lines_of(text.out).size(), 10U) << text.out;
}

TEST(ReadProfileTest, last_n_ends_at_the_meters_latest_capture) {
  Sim sim({"--fault", "clock_offset_s=-3600"});  // the meter's clock is an hour behind
  auto j = json_of(read(sim.port(), {"--profile", "1-0:99.1.0", "--last", "4", "--json"}));
  ASSERT_EQ(j["rows"].size(), 4U) << j.dump();
  const auto newest = utc(j["rows"][3]["time"]);
  const auto meter_now = now() - hours{1};
  EXPECT_LE(newest, meter_now);
  EXPECT_GT(newest, meter_now - minutes{16});
  EXPECT_EQ(utc(j["rows"][3]["time"]) - utc(j["rows"][0]["time"]), minutes{45});
  EXPECT_EQ(j["selection"].get<std::string>().substr(0, 6), "range ");  // on the clock, not "to the last entry"
}

TEST(ReadProfileTest, the_whole_buffer_arrives_through_block_transfer) {
  Sim sim({});
  auto r = read(sim.port(), {"--profile", "1-0:99.1.0", "--json", "--verbose"});
  auto j = json_of(r);
  EXPECT_EQ(j["rows"].size(), 960U);
  EXPECT_EQ(j["selection"], "all");
  // GET-Response-With-Datablock frames (C4 02) acknowledged with GET-Request-Next (C0 02).
  EXPECT_NE(r.err.find("C0 02"), std::string::npos);
  EXPECT_NE(r.err.find("C4 02"), std::string::npos);
}

TEST(ReadProfileTest, usage_errors_name_the_option) {
  Sim sim({});
  auto bad = read(sim.port(), {"--profile", "1-0:99.1.0", "--from", "yesterday"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad --from \"yesterday\": expected an ISO 8601 instant"), std::string::npos) << bad.err;
  auto both = read(sim.port(), {"--profile", "1-0:99.1.0", "--last", "2", "--from", "2026-11-29T21:00:00Z"});
  EXPECT_EQ(both.exit_code, 2);
  auto orphan = read(sim.port(), {"--last", "2"});
  EXPECT_EQ(orphan.exit_code, 2);
  EXPECT_NE(orphan.err.find("need --profile"), std::string::npos);
}

}  // namespace
