#include "bridge/status/operator_text.h"

#include <gtest/gtest.h>

#include "bridge/config/address_text.h"
#include "bridge/poller/diagnosis.h"

namespace {

using namespace bridge::status;

TEST(OperatorText, every_diagnosis_symptom_has_a_headline) {
  for (const auto& rule : bridge::poller::diagnosis_rules()) {
    EXPECT_NE(diagnosis_headline(rule.symptom), rule.symptom) << rule.symptom;
  }
}

TEST(OperatorText, actions_split_at_semicolons_outside_parentheses) {
  const auto steps = split_actions("check the port (3333; also 4059); stop other clients; power-cycle it.");
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0], "check the port (3333; also 4059)");
  EXPECT_EQ(steps[1], "stop other clients");
  EXPECT_EQ(steps[2], "power-cycle it");
}

TEST(OperatorText, similar_events_are_worded_once_with_the_right_plural) {
  EXPECT_EQ(similar_events_text(0), "");
  EXPECT_EQ(similar_events_text(1), " (1 similar event before this one)");
  EXPECT_EQ(similar_events_text(3), " (3 similar events before this one)");
}

TEST(OperatorText, the_configured_address_is_spelled_out) {
  bridge::config::MeterConfig m;
  m.client_sap = 16;
  m.server_logical = 0;
  m.server_physical = 5;
  m.address_size = 1;
  EXPECT_EQ(bridge::config::address_text(m), "client SAP 16 → server logical 0, physical 5 (1-byte address 0x0b)");
  m.address_size = 4;
  m.server_logical = 1;
  m.server_physical = 1234;
  EXPECT_EQ(bridge::config::address_text(m), "client SAP 16 → server logical 1, physical 1234 (4-byte address)");
  m.transport = bridge::config::Transport::wrapper;
  EXPECT_EQ(bridge::config::address_text(m), "client wPort 16 → server wPort 1");
}

TEST(OperatorText, counts_read_as_words) {
  EXPECT_EQ(times_text(1), "once");
  EXPECT_EQ(times_text(3), "3 times");
}

TEST(OperatorText, health_exit_codes_have_one_meaning_each) {
  EXPECT_EQ(health_exit_code("ok"), 0);
  EXPECT_EQ(health_exit_code("degraded"), 3);
  EXPECT_EQ(health_exit_code("failing"), 4);
  EXPECT_EQ(health_exit_code("garbage"), 1);
  // 2 stays the usage error of every command.
  for (const char* s : {"ok", "degraded", "failing", ""}) EXPECT_NE(health_exit_code(s), kExitUsage);
}

}  // namespace
