// Descriptions printed by `read --list` for the codes the Microstar guide lists.
#include "bridge/transport/object_names.h"

#include <gtest/gtest.h>

namespace {

using bridge::transport::class_name;
using bridge::transport::describe_object;
using bridge::transport::obis_text;

TEST(ObjectNamesTest, microstar_registers_have_descriptions) {
  EXPECT_EQ(describe_object({1, 1, 32, 7, 0, 255}), "Phase L1 voltage, instantaneous");
  EXPECT_EQ(describe_object({1, 1, 31, 7, 0, 255}), "Phase L1 current, instantaneous");
  EXPECT_EQ(describe_object({1, 1, 72, 7, 0, 255}), "Phase L3 voltage, instantaneous");
  EXPECT_EQ(describe_object({1, 1, 14, 7, 0, 255}), "Supply frequency");
  EXPECT_EQ(describe_object({1, 1, 1, 7, 0, 255}), "Active power import (+P), instantaneous");
  EXPECT_EQ(describe_object({1, 1, 1, 8, 0, 255}), "Active energy import (+A), total");
  EXPECT_EQ(describe_object({1, 2, 2, 8, 3, 255}), "Active energy export (-A), rate 3");
  EXPECT_EQ(describe_object({1, 1, 9, 2, 0, 255}), "Apparent power import (+S), cumulative maximum demand total");
}

TEST(ObjectNamesTest, abstract_objects_and_unknown_codes) {
  EXPECT_EQ(describe_object({0, 0, 40, 0, 0, 255}), "Association LN (current association)");
  EXPECT_EQ(describe_object({0, 0, 1, 0, 0, 255}), "Clock");
  EXPECT_EQ(describe_object({1, 0, 0, 0, 0, 255}), "Meter serial number");
  EXPECT_EQ(describe_object({0, 0, 96, 51, 4, 3}), "Meter cover open timestamp");
  EXPECT_EQ(describe_object({7, 0, 3, 1, 0, 255}), "");    // gas: not described
  EXPECT_EQ(describe_object({1, 1, 200, 7, 0, 255}), "");  // no such quantity
}

TEST(ObjectNamesTest, obis_text_omits_f_255) {
  EXPECT_EQ(obis_text({1, 1, 32, 7, 0, 255}), "1-1:32.7.0");
  EXPECT_EQ(obis_text({0, 0, 96, 51, 4, 3}), "0-0:96.51.4*3");
  EXPECT_EQ(class_name(3), "Register");
  EXPECT_EQ(class_name(15), "Association LN");
  EXPECT_EQ(class_name(999), "");
}

}  // namespace
