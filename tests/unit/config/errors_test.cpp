// Every kind of invalid input gives a message naming the problem at the right line:column.
#include <gtest/gtest.h>

#include <string>

#include "bridge/config/config.h"
#include "test_util.h"

namespace {

using bridge::config::load_string;

struct BadCase {
  const char* name;
  std::string toml;
  int line;
  int column;
  const char* message;  // substring of the message
};

std::ostream& operator<<(std::ostream& os, const BadCase& c) {
  return os << c.name;
}

// A minimal valid meter entry (3 lines, extra lines from 4 on) to build cases on.
std::string meter(const std::string& id, const std::string& extra = "") {
  return "[[meter]]\nid = \"" + id + "\"\nhost = \"127.0.0.1\"\n" + extra;
}

const BadCase kCases[] = {
    {"unknown_key_in_qos", "[qos]\npoll_interval = \"5s\"\nfoo = 1\n", 3, 1, "unknown key \"foo\" in [qos]"},
    {"unknown_key_in_meter", meter("m1", "hots = \"x\"\n"), 4, 1, "unknown key \"hots\" in [[meter]] \"m1\""},
    {"unknown_top_level_table", "[mqt]\nhost = \"x\"\n", 1, 2, "unknown key \"mqt\" in the top-level table"},
    {"unknown_key_in_register", meter("m1", "[[meter.register]]\nkey = \"v\"\nobis = \"1-1:32.7.0\"\nclas = 3\n"), 7, 1,
     "unknown key \"clas\" in [[meter.register]] of [[meter]] \"m1\" #1"},
    {"wrong_type_integer", "[mqtt]\nport = \"1883\"\n", 2, 8, "\"port\" in [mqtt]: expected an integer, got a string"},
    {"wrong_type_duration", "[mqtt]\nkeepalive = 60\n", 2, 13,
     "\"keepalive\" in [mqtt]: expected a duration string like \"7s\""},
    {"wrong_type_table", "qos = 5\n", 1, 7, "\"qos\" in the top-level table: expected a table, got an integer"},
    {"out_of_range_port", "[mqtt]\nport = 0\n", 2, 8, "\"port\" in [mqtt]: 0 is out of range 1..65535"},
    {"negative_timeout", "[qos]\nrequest_timeout = \"-5s\"\n", 2, 19,
     "\"request_timeout\" in [qos]: negative duration \"-5s\""},
    {"zero_timeout", "[qos]\nconnect_timeout = \"0s\"\n", 2, 19,
     "\"connect_timeout\" in [qos]: must be greater than 0"},
    {"bad_duration_unit", "[qos]\npoll_interval = \"5 seconds\"\n", 2, 17, "unknown unit \" seconds\""},
    {"bad_duration_no_unit", "[qos]\nbreaker_open = \"300\"\n", 2, 16, "missing unit in duration \"300\""},
    {"duplicate_meter_id", meter("m1") + meter("m1"), 5, 6, "duplicate meter id \"m1\" (first at line 2)"},
    {"bad_obis", meter("m1", "[[meter.register]]\nkey = \"v\"\nobis = \"1-1:32.7\"\n"), 6, 8,
     "bad OBIS code \"1-1:32.7\""},
    {"bad_obis_value", "[register_sets.s]\nregisters = [ { key = \"v\", obis = \"1.1.32.7.0.256\" } ]\n", 2, 35,
     "a group is out of range 0..255"},
    {"bad_host_port", "[http]\nlisten = \"127.0.0.1\"\n", 2, 10, "bad host:port \"127.0.0.1\""},
    {"bad_listen_port", "[http]\nlisten = \"127.0.0.1:99999\"\n", 2, 10, "port 99999 is out of range 0..65535"},
    {"address_size_not_1_2_4", meter("m1", "address_size = 3\n"), 4, 16,
     "\"address_size\" in [[meter]] \"m1\": 3 is not 1, 2 or 4"},
    {"physical_out_of_range_for_size_1", meter("m1", "server_physical = 200\n"), 4, 19,
     "200 is out of range for address_size 1 (0..127)"},
    {"physical_out_of_range_for_size_2", meter("m1", "address_size = 2\nserver_physical = 1234\n"), 5, 19,
     "1234 is out of range for address_size 2 (0..127)"},
    {"physical_out_of_range_for_size_4", meter("m1", "address_size = 4\nserver_physical = 16384\n"), 5, 19,
     "16384 is out of range 0..16383"},
    {"one_byte_address_with_both_parts", meter("m1", "server_logical = 1\nserver_physical = 5\n"), 5, 19,
     "address_size 1 carries a single 7-bit value"},
    {"password_longer_than_16", meter("m1", "auth = \"low\"\npassword = \"12345678901234567\"\n"), 5, 12,
     "password is 17 bytes, the LLS maximum is 16"},
    {"auth_low_without_password", meter("m1", "auth = \"low\"\n"), 4, 8,
     "\"auth\" in [[meter]] \"m1\": auth = \"low\" needs password or password_file"},
    {"password_file_unreadable", meter("m1", "auth = \"low\"\npassword_file = \"/nonexistent/pw\"\n"), 5, 17,
     "cannot read \"/nonexistent/pw\": No such file or directory"},
    {"password_and_password_file", meter("m1", "password = \"a\"\npassword_file = \"/etc/hostname\"\n"), 5, 17,
     "\"password\" and \"password_file\" are exclusive"},
    {"unknown_register_set", meter("m1", "register_set = \"nope\"\n"), 4, 16,
     "unknown register set \"nope\" (defined: default)"},
    {"duplicate_register_key",
     meter("m1",
           "[[meter.register]]\nkey = \"v\"\nobis = \"1-1:32.7.0\"\n"
           "[[meter.register]]\nkey = \"v\"\nobis = \"1-1:31.7.0\"\n"),
     8, 7, "duplicate register key \"v\" in [[meter]] \"m1\" (first at line 4)"},
    {"duplicate_key_between_set_and_inline",
     meter("m1",
           "register_set = \"default\"\n[[meter.register]]\nkey = "
           "\"frequency\"\nobis = \"1-1:14.7.0\"\n"),
     6, 7, "already in register set \"default\""},
    {"bad_enum", "[mqtt]\nmode = \"gatway\"\n", 2, 8, "unknown value \"gatway\" (expected gateway | device | topic)"},
    {"fleet_only_key_in_meter", meter("m1", "connect_rate = 5\n"), 4, 16, "is fleet-wide: set it in [qos]"},
    {"device_mode_without_token", "[mqtt]\nmode = \"device\"\n" + meter("m1"), 3, 1,
     "mqtt mode \"device\" needs device_token"},
    {"metric_pattern_not_a_regex", "[http]\nmetric_allowlist = [\"ok\", \"dlms_(x\"]\n", 2, 27,
     "\"metric_allowlist\" in [http]: \"dlms_(x\" is not a regular expression"},
    {"metric_pattern_not_a_string", "[http]\nmetric_denylist = [1]\n", 2, 20,
     "\"metric_denylist\" in [http]: each pattern must be a non-empty string"},
    {"metric_pattern_empty", "[http]\nmetric_denylist = [\"\"]\n", 2, 20, "each pattern must be a non-empty string"},
    {"metric_allowlist_and_denylist", "[http]\nmetric_allowlist = [\"a\"]\nmetric_denylist = [\"b\"]\n", 3, 19,
     "set metric_allowlist or metric_denylist, not both"},
    {"per_meter_breakdown_not_bool", "[http]\nper_meter_breakdown = \"no\"\n", 2, 23,
     "\"per_meter_breakdown\" in [http]: expected true or false"},
    {"basic_auth_not_bcrypt", "[http.basic_auth_users]\nadmin = \"hunter2\"\n", 2, 9, "expected a bcrypt hash"},
    {"backoff_max_below_initial", "[qos]\nbackoff_initial = \"10s\"\nbackoff_max = \"5s\"\n", 3, 15,
     "backoff_max (5s) is below backoff_initial (10s)"},
    {"missing_meter_host", "[[meter]]\nid = \"m1\"\n", 1, 1, "[[meter]] \"m1\": missing \"host\""},
    {"bad_meter_id", meter("m 1"), 2, 6, "\"m 1\" may only contain letters, digits"},
    {"topic_mode_without_placeholder", "[mqtt]\nmode = \"topic\"\ntopic_template = \"meters/telemetry\"\n", 3, 18,
     "topic mode needs \"{meter}\""},
    {"mqtt_qos_not_1", "[mqtt]\nqos = 0\n", 2, 7, "0 is out of range 1..1"},
    {"toml_syntax_error", "[qos]\npoll_interval = \n", 2, 17, "TOML syntax error"},
    {"tls_min_version_too_old",
     "[http.tls_server_config]\ncert_file = \"/etc/hostname\"\nkey_file = \"/etc/hostname\"\n"
     "min_version = \"TLS10\"\n",
     4, 15, "unknown value \"TLS10\" (expected TLS12 | TLS13)"},
    {"tls_without_key_file", "[http.tls_server_config]\ncert_file = \"/etc/hostname\"\n", 1, 1,
     "\"key_file\" in [http.tls_server_config]: is required for TLS"},
    {"tls_cert_file_unreadable",
     "[http.tls_server_config]\ncert_file = \"/nonexistent/c.pem\"\nkey_file = \"/etc/hostname\"\n", 2, 13,
     "cannot read \"/nonexistent/c.pem\""},
    {"tls_verify_without_ca",
     "[http.tls_server_config]\ncert_file = \"/etc/hostname\"\nkey_file = \"/etc/hostname\"\n"
     "client_auth_type = \"RequireAndVerifyClientCert\"\n",
     4, 20, "RequireAndVerifyClientCert needs client_ca_file"},
    {"mqtt_username_and_token", "[mqtt]\nusername = \"u\"\ntoken = \"t\"\n", 3, 9, "set either username or token"},
    {"mqtt_reconnect_max_below_min", "[mqtt]\nreconnect_min = \"10s\"\nreconnect_max = \"5s\"\n", 3, 17,
     "reconnect_max (5s) is below reconnect_min (10s)"},
    {"mqtt_keepalive_fraction", "[mqtt]\nkeepalive = \"1.5s\"\n", 2, 13, "whole number of seconds"},
    {"jitter_out_of_range", "[qos]\nbackoff_jitter = 1.5\n", 2, 18, "1.5 is out of range [0, 1]"},
};

class ConfigErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfigErrorTest, reports_message_at_line_and_column) {
  const BadCase& c = GetParam();
  auto r = load_string(c.toml, "bad.toml");
  ASSERT_FALSE(r) << "loaded although invalid:\n" << c.toml;
  const auto& errors = r.error();
  bool found = false;
  for (const auto& e : errors) {
    if (e.message.find(c.message) != std::string::npos) {
      found = true;
      EXPECT_EQ(e.file, "bad.toml");
      EXPECT_EQ(e.line, c.line) << e.to_string();
      EXPECT_EQ(e.column, c.column) << e.to_string();
      EXPECT_EQ(e.to_string(),
                "bad.toml:" + std::to_string(c.line) + ":" + std::to_string(c.column) + ": " + e.message);
    }
  }
  EXPECT_TRUE(found) << "expected \"" << c.message << "\" among:\n" << config_test::all_errors(errors);
}

INSTANTIATE_TEST_SUITE_P(Table, ConfigErrorTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

TEST(ConfigErrorsTest, collects_every_problem_instead_of_stopping_at_the_first) {
  const std::string text =
      "[qos]\n"
      "request_timeout = \"-1s\"\n"  // 2
      "colour = \"red\"\n"           // 3
      "[mqtt]\n"
      "port = 70000\n"                     // 5
      + meter("m1", "address_size = 3\n")  // 6..9
      + meter("m1", "bogus = true\n");     // 10..13
  auto r = load_string(text, "many.toml");
  ASSERT_FALSE(r);
  const auto& e = r.error();
  ASSERT_EQ(e.size(), 6u) << config_test::all_errors(e);
  // Sorted by position.
  EXPECT_EQ(e[0].line, 2);
  EXPECT_EQ(e[1].line, 3);
  EXPECT_EQ(e[2].line, 5);
  EXPECT_EQ(e[3].line, 9);
  EXPECT_NE(e[3].message.find("address_size"), std::string::npos);
  EXPECT_EQ(e[4].line, 11);
  EXPECT_NE(e[4].message.find("duplicate meter id"), std::string::npos);
  EXPECT_EQ(e[5].line, 13);
  EXPECT_NE(e[5].message.find("unknown key \"bogus\""), std::string::npos);
  auto r2 = load_string(meter("m1", "bogus = true\n"), "one.toml");
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error()[0].to_string(), "one.toml:4:1: unknown key \"bogus\" in [[meter]] \"m1\"");
}

TEST(ConfigErrorsTest, unreadable_config_file_has_no_position) {
  auto r = bridge::config::load_file("/nonexistent/dlms-bridge.toml");
  ASSERT_FALSE(r);
  ASSERT_EQ(r.error().size(), 1u);
  EXPECT_EQ(r.error()[0].to_string(),
            "/nonexistent/dlms-bridge.toml: cannot read config file: No such file or directory");
}

}  // namespace
