#include "bridge/prometheus/text_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {

using bridge::prometheus::TextWriter;

std::string value(double v) {
  std::string s;
  TextWriter::append_value(s, v);
  return s;
}

TEST(TextWriterTest, values_use_the_shortest_exact_form_and_special_names) {
  EXPECT_EQ(value(0), "0");
  EXPECT_EQ(value(230.5), "230.5");
  EXPECT_EQ(value(0.1), "0.1");
  EXPECT_EQ(value(1764196800), "1764196800");
  EXPECT_EQ(value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(std::stod(value(202615200.0)), 202615200.0);
}

TEST(TextWriterTest, label_values_and_help_are_escaped) {
  EXPECT_EQ(TextWriter::label("meter", "a\"b\\c\nd"), R"(meter="a\"b\\c\nd")");
  std::string text;
  TextWriter w(text);
  w.family("x_total", "line one\nback\\slash", "counter");
  EXPECT_EQ(text, "# HELP x_total line one\\nback\\\\slash\n# TYPE x_total counter\n");
}

TEST(TextWriterTest, samples_join_label_bodies) {
  std::string text;
  TextWriter w(text);
  w.sample("a", "", 1);
  w.sample("b", R"(meter="m")", 2);
  w.sample("c", R"(meter="m")", R"(reason="x")", 3);
  w.sample("d", "", R"(reason="x")", 4);
  EXPECT_EQ(text, "a 1\nb{meter=\"m\"} 2\nc{meter=\"m\",reason=\"x\"} 3\nd{reason=\"x\"} 4\n");
}

}  // namespace

namespace {

TEST(TextWriterTest, whole_numbers_are_written_as_integers) {
  std::string s;
  bridge::prometheus::TextWriter::append_value(s, 1e6);
  EXPECT_EQ(s, "1000000");
  s.clear();
  bridge::prometheus::TextWriter::append_value(s, -42);
  EXPECT_EQ(s, "-42");
  s.clear();
  bridge::prometheus::TextWriter::append_value(s, 1e300);  // too large for the integer path
  EXPECT_EQ(std::stod(s), 1e300);
}

}  // namespace
