// alerts/templates/ rendered by a real prometheus-alertmanager into real deliveries: the email
// subject, and the SMS text (severity, meter, what, since when; at most 160 characters whatever
// the input), firing and resolved; warnings only by email, infos to nobody. Alerts are posted
// through the API with fixed start/end times, so the expected texts are exact.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "alertmanager_process.h"
#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing_support::Child;
using testing_support::wait_until;

json alert(const std::string& name, const std::string& severity, const std::string& meter, const std::string& summary,
           const std::string& ends_at = {}) {
  json a = {{"labels",
             {{"alertname", name}, {"severity", severity}, {"job", "dlms-bridge"}, {"instance", "b1:9947"},
              {"meter", meter}}},
            {"annotations", {{"summary", summary}, {"description", "d"}, {"runbook_url", "https://x/RUNBOOK.md"}}},
            {"startsAt", "2026-01-02T03:04:05Z"}};
  if (!ends_at.empty()) a["endsAt"] = ends_at;
  return a;
}

class AlertmanagerTemplates : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto dir = dir_.path();
    const int smtp_port = testing_support::free_port();
    smtp_ = Child({"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(smtp_port), "-c",
                   "aiosmtpd.handlers.Mailbox", (dir / "mail").string()},
                  dir / "smtp.log");
    ASSERT_TRUE(testing_support::wait_for_port(smtp_port, 20s)) << smtp_.log();
    sms_ = Child({"/usr/bin/python3", testing_support::source("alerts/tools/sms-sink.py"), "--out",
                  (dir / "sms.jsonl").string()},
                 dir / "sms-sink.log");
    ASSERT_TRUE(wait_until([&] { return sms_.log().find("port=") != std::string::npos; }, 20s)) << sms_.log();
    const std::string sms_port = std::regex_replace(sms_.log(), std::regex(R"([\s\S]*port=(\d+)[\s\S]*)"), "$1");
    // x0.01: group_wait 300ms, group_interval 3s.
    am_ = std::make_unique<alerts_test::Alertmanager>(
        dir, alerts_test::Endpoints{"127.0.0.1:" + std::to_string(smtp_port), "http://127.0.0.1:" + sms_port},
        "0.01");
  }

  std::vector<std::string> subjects() const {
    std::vector<std::string> out;
    const auto dir = dir_.path() / "mail" / "new";
    if (!std::filesystem::exists(dir)) return out;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      std::smatch m;
      const std::string raw = testing_support::read_file(entry.path());
      if (std::regex_search(raw, m, std::regex(R"(Subject: ([^\r\n]*))"))) out.push_back(m[1]);
    }
    return out;
  }

  std::vector<std::string> sms() const {
    std::vector<std::string> out;
    std::istringstream in(testing_support::read_file(dir_.path() / "sms.jsonl"));
    for (std::string line; std::getline(in, line);) {
      auto j = json::parse(line, nullptr, false);
      if (!j.is_discarded() && j.value("kind", "") == "sms") out.push_back(j.value("message", ""));
    }
    return out;
  }

  bool has_sms(const std::string& text) const {
    for (const auto& s : sms()) {
      if (s == text) return true;
    }
    return false;
  }
  bool has_subject(const std::string& text) const {
    for (const auto& s : subjects()) {
      if (s == text) return true;
    }
    return false;
  }

  std::string diagnostics() const {
    std::string out = am_->log() + "\n==== sms\n";
    for (const auto& s : sms()) out += s + "\n";
    out += "==== subjects\n";
    for (const auto& s : subjects()) out += s + "\n";
    return out;
  }

  testing_support::TempDir dir_;
  Child smtp_, sms_;
  std::unique_ptr<alerts_test::Alertmanager> am_;
};

TEST_F(AlertmanagerTemplates, sms_and_email_texts_firing_and_resolved_by_severity) {
  const std::string down = "A meter has not been read for 5 minutes.";
  const std::string long_meter = "substation-north-feeder-12-transformer-3-meter-000123456789";
  const std::string long_summary(200, 'x');
  ASSERT_EQ(am_->post_alerts(json::array({
                                 alert("DlmsBridgeMeterDown", "critical", "m9", down),
                                 alert("DlmsBridgeMeterDown", "critical", long_meter, long_summary),
                                 alert("DlmsBridgeMeterDown", "critical", "m8", down),
                                 alert("DlmsBridgeMeterPollSuccessLow", "critical", "m8", "Low."),
                                 alert("DlmsBridgeMeterHdlcErrorsHigh", "warning", "m7", "Errors."),
                                 alert("DlmsBridgeMeterReconnectsHigh", "info", "m6", "Reconnects."),
                             }))
                .status,
            200);

  // Critical: email and SMS. The SMS says severity, meter, what and since when.
  EXPECT_TRUE(wait_until([&] { return has_sms("CRITICAL m9: " + down + " Since Jan 2 03:04 UTC."); }, 20s))
      << diagnostics();
  EXPECT_TRUE(wait_until([&] { return has_subject("[FIRING:1] CRITICAL meter m9 on b1:9947: DlmsBridgeMeterDown"); },
                         20s))
      << diagnostics();
  // Two alerts of one meter make one SMS and one email.
  EXPECT_TRUE(wait_until(
      [&] {
        for (const auto& s : sms()) {
          if (s.rfind("CRITICAL m8: ", 0) == 0 && s.find("(2 alerts)") != std::string::npos) return true;
        }
        return false;
      },
      20s))
      << diagnostics();
  EXPECT_TRUE(wait_until([&] { return has_subject("[FIRING:2] CRITICAL meter m8 on b1:9947: DlmsBridgeMeterDown and more"); },
                         20s))
      << diagnostics();
  // However long the meter name and summary, the SMS is cut to 160 characters.
  EXPECT_TRUE(wait_until(
      [&] {
        for (const auto& s : sms()) {
          if (s.rfind("CRITICAL " + long_meter + ": xxx", 0) == 0) return s.size() == 160 && s.ends_with("...");
        }
        return false;
      },
      20s))
      << diagnostics();
  // Warning: email only.
  EXPECT_TRUE(wait_until(
      [&] { return has_subject("[FIRING:1] WARNING meter m7 on b1:9947: DlmsBridgeMeterHdlcErrorsHigh"); }, 20s))
      << diagnostics();

  // m9 recovers: the resolved SMS and email follow (one group_interval later).
  ASSERT_EQ(am_->post_alerts(json::array({alert("DlmsBridgeMeterDown", "critical", "m9", down, "2026-01-02T03:10:00Z")}))
                .status,
            200);
  EXPECT_TRUE(
      wait_until([&] { return has_sms("RESOLVED m9: " + down + " Since Jan 2 03:04, ended 03:10 UTC."); }, 20s))
      << diagnostics();
  EXPECT_TRUE(wait_until([&] { return has_subject("[RESOLVED] CRITICAL meter m9 on b1:9947: DlmsBridgeMeterDown"); },
                         20s))
      << diagnostics();

  // By now every group was flushed at least twice: no SMS for the warning, nothing for the info.
  for (const auto& s : sms()) {
    EXPECT_LE(s.size(), 160u) << s;
    EXPECT_EQ(s.find("m7"), std::string::npos) << s;
    EXPECT_EQ(s.find("m6"), std::string::npos) << s;
  }
  for (const auto& s : subjects()) EXPECT_EQ(s.find("m6"), std::string::npos) << s;
}

}  // namespace
