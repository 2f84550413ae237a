// End to end, the operator's path: dlms-bridge polls dlms-meter-sim, the real prometheus scrapes
// it and evaluates the bundled rules (every duration scaled down by alerts/tools/scaled-copy.py),
// the real prometheus-alertmanager runs alerts/alertmanager.yml (receivers pointed at loopback
// sinks: aiosmtpd for email, alerts/tools/sms-sink.py for the SNS SMS and the dead man's switch).
// A meter that goes silent produces an email and a <= 160-character SMS naming it; when it
// recovers, a resolved email and SMS follow; a paused meter (silent as well) produces nothing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "bridge_stack.h"
#include "stack_test.h"
#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing_support::Child;
using testing_support::source;
using testing_support::wait_until;

// 1/120: for: 5m -> 2.5s, rate windows of 5m -> 3s (floor), 1h -> 30s; group_interval 5m -> 2.5s.
constexpr const char* kScale = "0.00833333";

struct Email {
  std::string subject, body;
};

// Quoted-printable as Alertmanager writes it: soft line breaks and =XX escapes.
std::string decode_qp(const std::string& in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '=' && i + 1 < in.size() && (in[i + 1] == '\n' || in[i + 1] == '\r')) {
      i += in[i + 1] == '\r' ? 2 : 1;
    } else if (in[i] == '=' && i + 2 < in.size() && std::isxdigit(static_cast<unsigned char>(in[i + 1]))) {
      out.push_back(static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

class AlertingE2E : public e2e::StackTest {
 protected:
  void SetUp() override {
    e2e::StackOptions o;
    o.meters = 3;
    o.extra_qos = "backoff_max = \"2s\"\n";
    start(o);
    if (HasFatalFailure()) return;
    const auto dir = stack_->dir();

    smtp_port_ = testing_support::free_port();
    smtp_ = Child({"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(smtp_port_), "-c",
                   "aiosmtpd.handlers.Mailbox", (dir / "mail").string()},
                  dir / "smtp.log");
    ASSERT_TRUE(testing_support::wait_for_port(smtp_port_, 20s)) << smtp_.log();
    sms_ = Child({"/usr/bin/python3", source("alerts/tools/sms-sink.py"), "--out", (dir / "sms.jsonl").string()},
                 dir / "sms-sink.log");
    ASSERT_TRUE(wait_until([&] { return sms_.log().find("port=") != std::string::npos; }, 20s)) << sms_.log();
    const std::string sms_port = std::regex_replace(sms_.log(), std::regex(R"([\s\S]*port=(\d+)[\s\S]*)"), "$1");

    testing_support::write_file(dir / "secret", "unused\n");
    testing_support::write_file(dir / "aws-credentials",
                                "[dlms-bridge-sms]\naws_access_key_id = test\naws_secret_access_key = test\n");
    auto rules = testing_support::run({"/usr/bin/python3", source("alerts/tools/scaled-copy.py"), "--factor", kScale,
                                       "--min-range", "3s", "-o", (dir / "rules").string(),
                                       source("alerts/rules/dlms-bridge-recording.yml"),
                                       source("alerts/rules/dlms-bridge-symptoms.yml"),
                                       source("alerts/rules/dlms-bridge-alerts.yml"),
                                       source("alerts/rules/dlms-bridge-meter-alerts.yml")});
    ASSERT_EQ(rules.exit_code, 0) << rules.err;
    const std::string sink = "http://127.0.0.1:" + sms_port;
    auto am_config = testing_support::run(
        {"/usr/bin/python3", source("alerts/tools/scaled-copy.py"), "--factor", kScale, "-o", (dir / "am").string(),
         "--set", "global.smtp_smarthost=127.0.0.1:" + std::to_string(smtp_port_),
         "--set", "global.smtp_require_tls=false",
         "--set", "global.smtp_auth_password_file=" + (dir / "secret").string(),
         "--set", "receivers.oncall-sms.sns_configs.0.api_url=" + sink + "/",
         "--set", "receivers.deadmans-switch.webhook_configs.0.url=" + sink + "/deadmans-switch",
         "--set", "receivers.deadmans-switch.webhook_configs.0.http_config.authorization.credentials_file=" +
                      (dir / "secret").string(),
         source("alerts/alertmanager.yml")});
    ASSERT_EQ(am_config.exit_code, 0) << am_config.err;
    am_port_ = testing_support::free_port();
    am_ = Child({"prometheus-alertmanager", "--config.file=" + (dir / "am" / "alertmanager.yml").string(),
                 "--storage.path=" + (dir / "am-data").string(),
                 "--web.listen-address=127.0.0.1:" + std::to_string(am_port_), "--cluster.listen-address="},
                dir / "alertmanager.log",
                {{"AWS_SHARED_CREDENTIALS_FILE", (dir / "aws-credentials").string()},
                 {"AWS_CONFIG_FILE", (dir / "aws-config").string()},
                 {"AWS_EC2_METADATA_DISABLED", "true"}});
    ASSERT_TRUE(testing_support::wait_for_port(am_port_, 20s)) << am_.log();

    prom_port_ = testing_support::free_port();
    testing_support::write_file(
        dir / "prometheus.yml",
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "rule_files: ['" + (dir / "rules").string() + "/*.yml']\n"
        "alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['127.0.0.1:" + std::to_string(am_port_) + "']}]\n"
        "scrape_configs:\n  - job_name: dlms-bridge\n    static_configs:\n      - targets: ['127.0.0.1:" +
            std::to_string(stack_->http_port()) + "']\n");
    prom_ = Child({"prometheus", "--config.file=" + (dir / "prometheus.yml").string(),
                   "--storage.tsdb.path=" + (dir / "tsdb").string(),
                   "--web.listen-address=127.0.0.1:" + std::to_string(prom_port_), "--rules.alert.resend-delay=1s"},
                  dir / "prometheus.log");
    ASSERT_TRUE(testing_support::wait_for_port(prom_port_, 20s)) << prom_.log();
  }

  std::vector<Email> emails() const {
    std::vector<Email> out;
    const auto dir = stack_->dir() / "mail" / "new";
    if (!std::filesystem::exists(dir)) return out;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      const std::string raw = testing_support::read_file(entry.path());
      std::smatch m;
      Email e;
      if (std::regex_search(raw, m, std::regex(R"(Subject: ([^\r\n]*))"))) e.subject = m[1];
      e.body = decode_qp(raw);
      out.push_back(e);
    }
    return out;
  }

  std::vector<std::string> sms() const {
    std::vector<std::string> out;
    std::istringstream in(testing_support::read_file(stack_->dir() / "sms.jsonl"));
    for (std::string line; std::getline(in, line);) {
      auto j = json::parse(line, nullptr, false);
      if (!j.is_discarded() && j.value("kind", "") == "sms") out.push_back(j.value("message", ""));
    }
    return out;
  }

  std::string diagnostics() {
    std::string out = stack_->logs();
    for (const char* name : {"prometheus.log", "alertmanager.log", "smtp.log", "sms-sink.log", "sms.jsonl"}) {
      out += std::string("==== ") + name + "\n" + testing_support::read_file(stack_->dir() / name) + "\n";
    }
    for (const auto& e : emails()) out += "==== email: " + e.subject + "\n";
    return out;
  }

  std::optional<double> meter_metric(const std::string& name, const std::string& meter) const {
    return stack_->metric(name + "{meter=\"" + meter + "\"}");
  }

  int smtp_port_ = 0, am_port_ = 0, prom_port_ = 0;
  Child smtp_, sms_, am_, prom_;
};

TEST_F(AlertingE2E, silent_meter_notifies_by_email_and_sms_then_resolves_and_a_paused_meter_stays_quiet) {
  auto& s = *stack_;
  ASSERT_TRUE(wait_until(
      [&] {
        for (const char* m : {"m1", "m2", "m3"}) {
          if (meter_metric("dlms_bridge_meter_up", m).value_or(0) != 1) return false;
        }
        return true;
      },
      30s))
      << diagnostics();

  // m3 goes silent and an operator pauses it: failing, but it must not notify anybody.
  s.sim("POST", "/api/v1/meters/3/faults", R"({"silent": true})");
  ASSERT_TRUE(wait_until([&] { return meter_metric("dlms_bridge_meter_up", "m3").value_or(1) == 0; }, 30s))
      << diagnostics();
  ASSERT_EQ(s.post("/api/v1/meters/m3/pause").status, 200);
  ASSERT_TRUE(wait_until([&] { return meter_metric("dlms_bridge_meter_paused", "m3").value_or(0) == 1; }, 10s));

  // m2 goes silent: the meter-down alert reaches the on-call person by email and by SMS.
  s.sim("POST", "/api/v1/meters/2/faults", R"({"silent": true})");
  const std::regex names_m2(R"(\bm2\b)");
  ASSERT_TRUE(wait_until(
      [&] {
        for (const auto& e : emails()) {
          if (e.subject.rfind("[FIRING", 0) == 0 && std::regex_search(e.subject, names_m2) &&
              e.body.find("FIRING (critical) DlmsBridgeMeterDown") != std::string::npos) {
            return true;
          }
        }
        return false;
      },
      60s))
      << diagnostics();
  ASSERT_TRUE(wait_until(
      [&] {
        for (const auto& text : sms()) {
          if (text.rfind("CRITICAL m2: ", 0) == 0) return true;
        }
        return false;
      },
      30s))
      << diagnostics();
  for (const auto& text : sms()) EXPECT_LE(text.size(), 160u) << text;
  const auto firing_email = [&] {
    for (const auto& e : emails()) {
      if (e.body.find("FIRING (critical) DlmsBridgeMeterDown") != std::string::npos) return e;
    }
    return Email{};
  }();
  // The description names the meter, the figure, and the meter's diagnosis with its cause, action
  // and runbook section. A meter that goes silent mid-session is first a read timeout, then, once
  // the bridge reconnects, silent after connect: either is right, depending on the moment.
  EXPECT_NE(firing_email.body.find("Meter m2 on 127.0.0.1:"), std::string::npos) << firing_email.body;
  EXPECT_TRUE(std::regex_search(
      firing_email.body,
      std::regex(R"(Diagnosis (read_timeout|silent_after_connect): [^.]+\. Action: [^\n]+ Symptom guide: )"
                 R"(\S+/alerts/RUNBOOK\.md#symptom-\1)")))
      << firing_email.body;
  EXPECT_NE(firing_email.body.find("RUNBOOK.md#dlmsbridgemeterdown"), std::string::npos) << firing_email.body;

  // m2 recovers: the resolution follows on both paths.
  s.sim("POST", "/api/v1/meters/2/reset");
  EXPECT_TRUE(wait_until(
      [&] {
        for (const auto& text : sms()) {
          if (text.rfind("RESOLVED m2: ", 0) == 0) return true;
        }
        return false;
      },
      60s))
      << diagnostics();
  EXPECT_TRUE(wait_until(
      [&] {
        for (const auto& e : emails()) {
          if (std::regex_search(e.subject, names_m2) &&
              e.body.find("RESOLVED DlmsBridgeMeterDown") != std::string::npos) {
            return true;
          }
        }
        return false;
      },
      30s))
      << diagnostics();

  // Nothing ever named the paused meter m3 or the healthy meter m1.
  const std::regex quiet_meters(R"(\bm[13]\b)");
  for (const auto& e : emails()) {
    EXPECT_FALSE(std::regex_search(e.subject, quiet_meters)) << e.subject;
  }
  for (const auto& text : sms()) EXPECT_FALSE(std::regex_search(text, quiet_meters)) << text;
  // The dead man's switch got its heartbeat too.
  EXPECT_NE(testing_support::read_file(s.dir() / "sms.jsonl").find("/deadmans-switch"), std::string::npos);
}

}  // namespace
