#include "bridge/log.h"

#include <gtest/gtest.h>

#include <sstream>

namespace {

using bridge::log::Level;

TEST(LogTest, plain_values_are_not_quoted) {
  EXPECT_EQ(bridge::log::format_fields("started", {{"meter", "m1"}, {"port", 4061}}), "msg=started meter=m1 port=4061");
}

TEST(LogTest, values_with_spaces_quotes_or_equals_are_quoted_and_escaped) {
  EXPECT_EQ(bridge::log::quote("poll failed"), "\"poll failed\"");
  EXPECT_EQ(bridge::log::quote("a=b"), "\"a=b\"");
  EXPECT_EQ(bridge::log::quote("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
  EXPECT_EQ(bridge::log::quote(""), "\"\"");
}

TEST(LogTest, lines_below_the_level_are_dropped_and_others_are_logfmt) {
  std::ostringstream out;
  bridge::log::capture_to(&out);
  bridge::log::set_level(Level::warn);
  bridge::log::info("hidden");
  bridge::log::warn("poll failed", {{"meter", "m-1"}, {"reason", "timeout"}, {"ok", false}});
  bridge::log::capture_to(nullptr);
  bridge::log::set_level(Level::info);
  const std::string text = out.str();
  EXPECT_EQ(text.find("hidden"), std::string::npos);
  EXPECT_NE(text.find("level=warning msg=\"poll failed\" meter=m-1 reason=timeout ok=false"), std::string::npos) << text;
  EXPECT_EQ(text.rfind("ts=", 0), 0u) << text;
}

TEST(LogTest, level_names_parse) {
  Level l{};
  EXPECT_TRUE(bridge::log::parse_level("debug", l));
  EXPECT_EQ(l, Level::debug);
  EXPECT_FALSE(bridge::log::parse_level("loud", l));
}

}  // namespace
