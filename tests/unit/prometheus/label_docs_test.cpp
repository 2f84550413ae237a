// Every bounded label value the bridge exports is documented in exporters/prometheus/README.md
// (an operator reading `reason="rejected"` on a dashboard must find what it means).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "bridge/labels.h"

namespace {

std::string readme() {
  std::ifstream in(std::string(DLMS_BRIDGE_SOURCE_DIR) + "/exporters/prometheus/README.md");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The README's paragraph or table about one metric: from its "`name{reason}`:" line to the next
// blank line, or to the end of the table that follows that line.
std::string section_of(const std::string& text, const std::string& metric) {
  const auto start = text.find("`" + metric + "{reason}`:");
  if (start == std::string::npos) return {};
  auto end = text.find("\n\n", start);
  // A heading line followed by a table: the table is the section.
  if (end != std::string::npos && text.compare(end + 2, 1, "|") == 0) end = text.find("\n\n", end + 2);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

template <class Values>
void expect_documented(const std::string& metric, const Values& values) {
  const std::string section = section_of(readme(), metric);
  ASSERT_FALSE(section.empty()) << "no paragraph for " << metric;
  for (auto v : values) {
    const std::string label = "`" + std::string(bridge::labels::to_label(v)) + "`";
    EXPECT_NE(section.find(label), std::string::npos) << metric << " value " << label << " is not documented";
  }
}

TEST(LabelDocs, outbox_drop_reasons_are_documented) {
  expect_documented("dlms_bridge_outbox_dropped_total", bridge::labels::kOutboxDrops);
}

TEST(LabelDocs, publish_failure_reasons_are_documented) {
  expect_documented("dlms_bridge_mqtt_publish_failures_total", bridge::labels::kPublishFailures);
}

TEST(LabelDocs, profile_read_failure_reasons_are_documented) {
  expect_documented("dlms_bridge_meter_profile_read_failures_total", bridge::labels::kProfileReadFailures);
}

}  // namespace
