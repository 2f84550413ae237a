// Fault settings: every key parses from TOML/JSON/CLI values, bad values are named precisely,
// counters count per kind.
#include "sim/faults.h"

#include <gtest/gtest.h>

#include <set>

namespace {

using sim::apply_fault;
using sim::apply_fault_text;
using sim::FaultKind;
using sim::FaultSettings;
using sim::FaultValue;

TEST(FaultsTest, default_settings_inject_nothing) {
  EXPECT_FALSE(FaultSettings{}.any());
}

TEST(FaultsTest, every_documented_key_is_accepted_by_text_form) {
  const char* examples[] = {"refuse=true",
                            "close_on_accept=true",
                            "silent=1",
                            "delay_ms=250",
                            "delay_jitter_ms=50",
                            "drop_mid_frame=0.5",
                            "corrupt_hcs=0.1",
                            "corrupt_fcs=1",
                            "garbage=0.25",
                            "garbage_bytes=3",
                            "value_7e=true",
                            "split_writes=true",
                            "reject_association=busy",
                            "silent_after=4",
                            "disconnect=0.01",
                            "clock_offset_s=-90.5",
                            "clock_drift_ppm=200",
                            "clock_trailing_bytes=2"};
  ASSERT_EQ(std::size(examples), sim::fault_keys().size());
  FaultSettings s;
  for (const char* e : examples) EXPECT_TRUE(apply_fault_text(s, e)) << e;
  EXPECT_TRUE(s.refuse);
  EXPECT_TRUE(s.silent);
  EXPECT_EQ(s.delay.count(), 250);
  EXPECT_EQ(s.delay_jitter.count(), 50);
  EXPECT_DOUBLE_EQ(s.drop_mid_frame, 0.5);
  EXPECT_DOUBLE_EQ(s.corrupt_fcs, 1.0);
  EXPECT_EQ(s.garbage_bytes, 3);
  EXPECT_EQ(s.reject_association, sim::RejectMode::busy);
  EXPECT_EQ(s.silent_after, 4);
  EXPECT_TRUE(s.any());
}

TEST(FaultsTest, probability_outside_0_1_is_rejected_with_the_key_name) {
  FaultSettings s;
  auto r = apply_fault(s, "corrupt_fcs", FaultValue::of(1.5));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("corrupt_fcs"), std::string::npos);
  EXPECT_DOUBLE_EQ(s.corrupt_fcs, 0.0);
}

TEST(FaultsTest, wrong_type_and_unknown_key_are_errors) {
  FaultSettings s;
  EXPECT_FALSE(apply_fault(s, "silent", FaultValue::of(std::string("yes"))));
  EXPECT_FALSE(apply_fault(s, "delay_ms", FaultValue::of(-1L)));
  EXPECT_FALSE(apply_fault(s, "delay_ms", FaultValue::of(0.5)));
  EXPECT_FALSE(apply_fault(s, "garbage_bytes", FaultValue::of(0L)));
  EXPECT_FALSE(apply_fault(s, "reject_association", FaultValue::of(std::string("maybe"))));
  auto unknown = apply_fault(s, "explode", FaultValue::of(true));
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().find("explode"), std::string::npos);
  EXPECT_FALSE(apply_fault_text(s, "no-equals-sign"));
  EXPECT_FALSE(s.any());
}

TEST(FaultsTest, counters_count_per_kind_and_sum) {
  sim::FaultCounters a;
  a.add(FaultKind::corrupt_fcs);
  a.add(FaultKind::corrupt_fcs);
  a.add(FaultKind::silent, 3);
  EXPECT_EQ(a.get(FaultKind::corrupt_fcs), 2U);
  EXPECT_EQ(a.get(FaultKind::silent), 3U);
  EXPECT_EQ(a.get(FaultKind::refuse), 0U);
  EXPECT_EQ(a.total(), 5U);
  sim::FaultCounters b;
  b.add(FaultKind::refuse);
  b += a;
  EXPECT_EQ(b.total(), 6U);
}

TEST(FaultsTest, every_kind_has_a_distinct_label) {
  std::set<std::string_view> labels;
  for (auto k : sim::kFaultKinds) labels.insert(sim::to_label(k));
  EXPECT_EQ(labels.size(), sim::kFaultKinds.size());
  EXPECT_EQ(labels.count("unknown"), 0U);
}

}  // namespace
