// The alert catalogue stays consistent: every alert has its runbook section and a runbook_url
// pointing at it, and every symptom the diagnosis can produce has advice in the symptom table and
// a runbook section (so no meter alert ends with an unexplained code).
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "bridge/poller/diagnosis.h"
#include "testing/process.h"

namespace {

using testing_support::read_file;
using testing_support::source;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::set<std::string> matches(const std::string& text, const std::string& pattern) {
  std::set<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}

std::string alert_rules() {
  return read_file(source("alerts/rules/dlms-bridge-alerts.yml")) +
         read_file(source("alerts/rules/dlms-bridge-meter-alerts.yml"));
}

TEST(AlertsCatalog, every_alert_has_a_runbook_section_and_links_to_it) {
  const std::string rules = alert_rules();
  const std::string runbook = read_file(source("alerts/RUNBOOK.md"));
  const auto alerts = matches(rules, R"(- alert: (\w+))");
  ASSERT_GE(alerts.size(), 17u);
  const auto sections = matches(runbook, R"(\n## (\w+)\n)");
  const auto anchors = matches(rules, R"(runbook_url: \S+/alerts/RUNBOOK\.md#(\w+))");
  for (const auto& name : alerts) {
    EXPECT_TRUE(sections.count(name)) << "alerts/RUNBOOK.md has no '## " << name << "' section";
    EXPECT_TRUE(anchors.count(lower(name))) << name << " has no runbook_url to #" << lower(name);
  }
  for (const auto& anchor : anchors) {
    bool found = false;
    for (const auto& name : alerts) found = found || lower(name) == anchor;
    EXPECT_TRUE(found) << "runbook_url anchor #" << anchor << " matches no alert";
  }
}

// The on-call person reads one section and knows what the alert means, what usually causes it,
// what to look at (a dlms-bridge command and a PromQL query) and how to resolve it.
TEST(AlertsCatalog, every_runbook_section_says_meaning_causes_checks_and_resolution) {
  const std::string runbook = read_file(source("alerts/RUNBOOK.md"));
  const auto alerts = matches(alert_rules(), R"(- alert: (\w+))");
  for (const auto& name : alerts) {
    const auto start = runbook.find("\n## " + name + "\n");
    ASSERT_NE(start, std::string::npos) << name;
    const auto end = runbook.find("\n#", start + 1);
    const std::string section = runbook.substr(start, end == std::string::npos ? std::string::npos : end - start);
    for (const char* part : {"**Meaning.**", "**Likely causes", "**Check.**", "**Resolve.**"}) {
      EXPECT_NE(section.find(part), std::string::npos) << "RUNBOOK.md section " << name << " has no " << part;
    }
    EXPECT_TRUE(std::regex_search(section, std::regex(R"(dlms-bridge (ctl \w|read |check-config))")))
        << "RUNBOOK.md section " << name << " names no dlms-bridge command to run";
    EXPECT_TRUE(std::regex_search(section, std::regex(R"(`[^`]*\b(dlms_bridge_\w+|up\{|ALERTS\{)[^`]*`)")))
        << "RUNBOOK.md section " << name << " gives no PromQL query";
  }
}

// alerts/README.md lists the folder's files; each one it names exists (scripts get renamed).
TEST(AlertsCatalog, every_file_the_alerts_readme_names_exists) {
  const std::string readme = read_file(source("alerts/README.md"));
  const auto named = matches(readme, R"(`((?:rules|templates|tests|tools)/[\w.*-]+|RUNBOOK\.md|alertmanager\.yml)`)");
  ASSERT_GE(named.size(), 6u);
  for (const auto& path : named) {
    if (path.find('*') != std::string::npos) {
      const auto dir = std::filesystem::path(source("alerts/" + path)).parent_path();
      const std::string suffix = path.substr(path.find('*') + 1);
      bool any = false;
      for (const auto& e : std::filesystem::directory_iterator(dir)) any = any || e.path().string().ends_with(suffix);
      EXPECT_TRUE(any) << "alerts/README.md names alerts/" << path << ": no such files";
    } else {
      EXPECT_TRUE(std::filesystem::exists(source("alerts/" + path))) << "alerts/README.md names alerts/" << path
                                                                     << ", which does not exist";
    }
  }
}

TEST(AlertsCatalog, every_alert_has_severity_summary_and_description) {
  // Split the rule files at each "- alert:" and check the block that follows.
  const std::string rules = alert_rules();
  const std::regex block(R"(- alert: (\w+)([\s\S]*?)(?=- alert: |- name: |$))");
  int count = 0;
  for (auto it = std::sregex_iterator(rules.begin(), rules.end(), block); it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[1].str(), body = (*it)[2].str();
    ++count;
    EXPECT_TRUE(std::regex_search(body, std::regex(R"(severity: (critical|warning|info|none)\n)"))) << name;
    EXPECT_NE(body.find("summary: "), std::string::npos) << name;
    EXPECT_NE(body.find("description: "), std::string::npos) << name;
    const auto summary = body.find("summary: ");
    const std::string summary_line = body.substr(summary, body.find('\n', summary) - summary);
    EXPECT_EQ(summary_line.find("{{"), std::string::npos) << name << ": the summary must be static";
    EXPECT_EQ(summary_line.find('>'), std::string::npos) << name << ": the summary must be one line";
  }
  EXPECT_GE(count, 20);
}

TEST(AlertsCatalog, every_diagnosis_symptom_has_advice_and_a_runbook_section) {
  const std::string table = read_file(source("alerts/rules/dlms-bridge-symptoms.yml"));
  const std::string runbook = read_file(source("alerts/RUNBOOK.md"));
  const auto advised = matches(table, R"(symptom: (\w+)\n)");
  const auto sections = matches(runbook, R"(\n### Symptom: (\w+)\n)");
  std::set<std::string> symptoms = {"none"};
  for (const auto& rule : bridge::poller::diagnosis_rules()) symptoms.insert(std::string(rule.symptom));
  for (const auto& s : symptoms) {
    EXPECT_TRUE(advised.count(s)) << "alerts/rules/dlms-bridge-symptoms.yml has no advice for symptom " << s;
    EXPECT_TRUE(sections.count(s)) << "alerts/RUNBOOK.md has no '### Symptom: " << s << "' section";
  }
  for (const auto& s : advised) EXPECT_TRUE(symptoms.count(s)) << "advice for unknown symptom " << s;
}

}  // namespace
