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

TEST(LogTest, invalid_utf8_and_control_bytes_are_escaped_valid_utf8_is_kept) {
  // A request path like /%ff must not put a raw 0xFF (or NUL, ESC) into the log stream.
  EXPECT_EQ(bridge::log::quote("/\xff"), "\"/\\xff\"");
  EXPECT_EQ(bridge::log::quote(std::string("m1\0evil", 7)), "\"m1\\x00evil\"");
  EXPECT_EQ(bridge::log::quote("\x1b[31m"), "\"\\x1b[31m\"");
  EXPECT_EQ(bridge::log::quote("\xc0\xaf"), "\"\\xc0\\xaf\"");           // overlong '/'
  EXPECT_EQ(bridge::log::quote("Z\xc3\xa4hler"), "Z\xc3\xa4hler");        // valid UTF-8: unquoted
  EXPECT_EQ(bridge::log::quote("\xe2\x82\xac \xff"), "\"\xe2\x82\xac \\xff\"");
  auto line = bridge::log::format_fields("http", {{"path", "/x\x80\n"}});
  EXPECT_EQ(line, "msg=http path=\"/x\\x80\\n\"");
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
