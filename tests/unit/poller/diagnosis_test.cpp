#include "bridge/poller/diagnosis.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>

#include <nlohmann/json.hpp>

namespace bridge::poller {
namespace {

using labels::PollFailure;
using ::testing::HasSubstr;

FailureFacts facts(PollFailure reason, Step step = Step::connect) {
  FailureFacts f;
  f.reason = reason;
  f.step = step;
  f.host = "10.0.0.7";
  f.port = 3333;
  return f;
}

TEST(DiagnosisTest, every_reason_has_a_catch_all_rule) {
  for (PollFailure reason : labels::kPollFailures) {
    bool catch_all = false;
    for (const auto& r : diagnosis_rules()) {
      if (r.reason == reason && !r.step && !r.tcp_connected && !r.diagnostic) catch_all = true;
    }
    EXPECT_TRUE(catch_all) << labels::to_label(reason);
  }
}

TEST(DiagnosisTest, unreachable_says_check_power_cable_switch_and_ip) {
  auto d = diagnose(facts(PollFailure::unreachable));
  EXPECT_EQ(d.symptom, "unreachable");
  EXPECT_EQ(d.severity, Severity::error);
  EXPECT_THAT(d.action, HasSubstr("power"));
  EXPECT_THAT(d.action, HasSubstr("cable"));
  EXPECT_THAT(d.action, HasSubstr("switch"));
  EXPECT_THAT(d.action, HasSubstr("ping 10.0.0.7"));
  EXPECT_THAT(d.action, HasSubstr("nc -vz 10.0.0.7 3333"));
}

TEST(DiagnosisTest, accepts_tcp_but_silent_means_locked_meter_power_cycle_60_s) {
  auto f = facts(PollFailure::timeout);
  f.tcp_connected = true;
  auto d = diagnose(f);
  EXPECT_EQ(d.symptom, "silent_after_connect");
  EXPECT_THAT(d.explanation, HasSubstr("locked"));
  EXPECT_THAT(d.action, HasSubstr("power-cycle the meter for 60 s"));
  f.tcp_connected = false;
  EXPECT_EQ(diagnose(f).symptom, "connect_timeout");
}

TEST(DiagnosisTest, a_silent_meter_is_told_its_configured_address_not_the_field_default) {
  auto f = facts(PollFailure::timeout);
  f.tcp_connected = true;
  f.address = "client SAP 16 → server logical 0, physical 5 (1-byte address 0x0b)";
  auto d = diagnose(f);
  EXPECT_THAT(d.action, HasSubstr("configured address (client SAP 16 → server logical 0, physical 5"));
  EXPECT_THAT(d.action, ::testing::Not(HasSubstr("Microstar: physical 1")));
  // The command that finds the working address is named, for this meter's endpoint.
  EXPECT_THAT(d.action, HasSubstr("dlms-bridge discover --host 10.0.0.7 --port 3333"));
  f.reason = PollFailure::association_rejected;
  EXPECT_THAT(diagnose(f).action, HasSubstr("physical 5"));
}

TEST(DiagnosisTest, timeout_during_reads_is_a_read_timeout) {
  auto d = diagnose(facts(PollFailure::timeout, Step::read));
  EXPECT_EQ(d.symptom, "read_timeout");
  EXPECT_EQ(d.severity, Severity::warning);
}

TEST(DiagnosisTest, authentication_failure_suggests_alternative_pairs_and_probes_when_configured) {
  auto f = facts(PollFailure::association_rejected);
  f.diagnostic = kDiagnosticAuthenticationFailure;
  auto without = diagnose(f);
  EXPECT_EQ(without.symptom, "authentication_failed");
  EXPECT_THAT(without.action, HasSubstr("32/11111111"));
  EXPECT_FALSE(without.try_alternative_credentials);
  EXPECT_THAT(without.action, HasSubstr("no credential_alternatives"));
  EXPECT_THAT(without.explanation, HasSubstr("diagnostic 13"));
  f.alternatives_configured = true;
  EXPECT_TRUE(diagnose(f).try_alternative_credentials);
}

TEST(DiagnosisTest, other_rejections_point_at_addressing) {
  auto f = facts(PollFailure::association_rejected);
  f.diagnostic = kDiagnosticNoReason;
  auto d = diagnose(f);
  EXPECT_EQ(d.symptom, "association_rejected");
  EXPECT_THAT(d.action, HasSubstr("server logical"));
}

TEST(DiagnosisTest, protocol_errors_name_the_hdlc_check) {
  auto f = facts(PollFailure::protocol, Step::read);
  f.hdlc = labels::HdlcError::fcs;
  auto d = diagnose(f);
  EXPECT_EQ(d.symptom, "hdlc_desync");
  EXPECT_THAT(d.explanation, HasSubstr("HDLC check: fcs"));
}

TEST(DiagnosisTest, each_remaining_reason_has_its_symptom) {
  EXPECT_EQ(diagnose(facts(PollFailure::refused)).symptom, "refused");
  EXPECT_EQ(diagnose(facts(PollFailure::closed, Step::read)).symptom, "closed");
  EXPECT_EQ(diagnose(facts(PollFailure::access_denied, Step::read)).symptom, "access_denied");
  EXPECT_EQ(diagnose(facts(PollFailure::busy)).symptom, "busy");
  auto open = diagnose(facts(PollFailure::circuit_open));
  EXPECT_EQ(open.symptom, "circuit_open");
  EXPECT_EQ(open.severity, Severity::critical);
}

TEST(DiagnosisTest, json_details_carry_reason_symptom_step_and_action) {
  auto f = facts(PollFailure::refused);
  f.detail = "connect: Connection refused";
  auto j = nlohmann::json::parse(to_json(diagnose(f), Step::connect));
  EXPECT_EQ(j["reason"], "refused");
  EXPECT_EQ(j["symptom"], "refused");
  EXPECT_EQ(j["step"], "connect");
  EXPECT_EQ(j["detail"], "connect: Connection refused");
  EXPECT_FALSE(j["action"].get<std::string>().empty());
}

// dlms_bridge_meter_diagnosis_info{symptom} is a contract: the metrics README lists every value
// (alert descriptions and the runbook key on them).
TEST(DiagnosisTest, every_symptom_code_is_listed_in_the_metrics_readme) {
  std::ifstream in(std::string(DLMS_BRIDGE_SOURCE_DIR) + "/exporters/prometheus/README.md");
  ASSERT_TRUE(in) << "README not found";
  const std::string text(std::istreambuf_iterator<char>(in), {});
  const auto section = text.find("`dlms_bridge_meter_diagnosis_info{symptom}` (");
  ASSERT_NE(section, std::string::npos);
  const std::string readme = text.substr(section, text.find("\n\n`", section + 1) - section);
  std::set<std::string_view> symptoms;
  for (const auto& rule : diagnosis_rules()) symptoms.insert(rule.symptom);
  symptoms.insert("none");
  for (auto symptom : symptoms) {
    EXPECT_NE(readme.find("| `" + std::string(symptom) + "` |"), std::string::npos) << symptom;
  }
}

}  // namespace
}  // namespace bridge::poller
