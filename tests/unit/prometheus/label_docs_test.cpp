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

// The README's paragraph or table about one metric: from its name to the next blank line
// after the first mention that lists values.
std::string section_of(const std::string& text, const std::string& metric) {
  const auto start = text.find("`" + metric + "{reason}`:");
  if (start == std::string::npos) return {};
  const auto end = text.find("\n\n", start);
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

}  // namespace
