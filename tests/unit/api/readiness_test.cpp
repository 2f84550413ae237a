#include "bridge/api/readiness.h"

#include <gtest/gtest.h>

namespace {

using bridge::api::Readiness;

TEST(ReadinessTest, nothing_declared_is_ready) { EXPECT_TRUE(Readiness().state().ready); }

TEST(ReadinessTest, every_declared_condition_must_be_ready) {
  Readiness r;
  r.set_waiting("config", "not loaded");
  r.set_waiting("store", "SQLite not open");
  auto s = r.state();
  EXPECT_FALSE(s.ready);
  ASSERT_EQ(s.waiting.size(), 2u);
  EXPECT_EQ(s.waiting[0], (std::pair<std::string, std::string>{"config", "not loaded"}));
  r.set_ready("config");
  s = r.state();
  EXPECT_FALSE(s.ready);
  ASSERT_EQ(s.waiting.size(), 1u);
  EXPECT_EQ(s.waiting[0].first, "store");
  r.set_ready("store");
  EXPECT_TRUE(r.state().ready);
  // A condition can fall back (e.g. the store closed during a reload).
  r.set_waiting("store", "reopening");
  EXPECT_FALSE(r.state().ready);
}

}  // namespace
