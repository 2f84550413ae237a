// alerts/alertmanager.yml's inhibit rules, checked on a real prometheus-alertmanager (amtool
// cannot evaluate inhibitions statically): alerts are posted through the API and the test reads
// back which ones Alertmanager marks as inhibited, and by what.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "alertmanager_process.h"
#include "testing/process.h"

namespace {

using nlohmann::json;

json alert(const std::map<std::string, std::string>& labels) {
  json a = {{"labels", json::object()}, {"annotations", {{"summary", "test"}}}};
  for (const auto& [k, v] : labels) a["labels"][k] = v;
  a["labels"]["job"] = "dlms-bridge";
  return a;
}

class AlertmanagerInhibition : public ::testing::Test {
 protected:
  void post(const json& alerts) {
    auto r = am_.post_alerts(alerts);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // alertname/instance/meter/severity -> the alert's status object.
  std::map<std::string, json> statuses() {
    std::map<std::string, json> out;
    for (const auto& a : am_.alerts()) {
      const auto& l = a["labels"];
      out[l.value("alertname", "") + "/" + l.value("instance", "") + "/" + l.value("meter", "") + "/" +
          l.value("severity", "")] = a["status"];
    }
    return out;
  }

  testing_support::TempDir dir_;
  // Receivers point at closed ports (the defaults): this test looks at inhibition, not delivery.
  alerts_test::Alertmanager am_{dir_.path(), {}};
};

TEST_F(AlertmanagerInhibition, bridge_down_mqtt_down_critical_and_meter_down_silence_what_they_explain) {
  post(json::array({
      // Bridge b1 down: its meter alerts are inhibited, b2's are not.
      alert({{"alertname", "DlmsBridgeDown"}, {"severity", "critical"}, {"instance", "b1:9947"}}),
      alert({{"alertname", "DlmsBridgeMeterDown"}, {"severity", "critical"}, {"instance", "b1:9947"}, {"meter", "m1"}}),
      alert({{"alertname", "DlmsBridgeMeterDown"}, {"severity", "critical"}, {"instance", "b2:9947"}, {"meter", "m1"}}),
      // b3's broker is away: its outbox and publish alerts are inhibited, its meter-down is not.
      alert({{"alertname", "DlmsBridgeMqttDisconnected"}, {"severity", "critical"}, {"instance", "b3:9947"}}),
      alert({{"alertname", "DlmsBridgeOutboxGrowing"}, {"severity", "warning"}, {"instance", "b3:9947"}}),
      alert({{"alertname", "DlmsBridgeOutboxDropping"},
             {"severity", "critical"},
             {"instance", "b3:9947"},
             {"reason", "max_age"}}),
      alert({{"alertname", "DlmsBridgeMeterPublishRatioLow"},
             {"severity", "warning"},
             {"instance", "b3:9947"},
             {"meter", "m7"}}),
      alert({{"alertname", "DlmsBridgeOutboxGrowing"}, {"severity", "warning"}, {"instance", "b4:9947"}}),
      // The critical level of an alert silences its warning level for the same meter only.
      alert({{"alertname", "DlmsBridgeMeterPollSuccessLow"},
             {"severity", "critical"},
             {"instance", "b5:9947"},
             {"meter", "m1"}}),
      alert({{"alertname", "DlmsBridgeMeterPollSuccessLow"},
             {"severity", "warning"},
             {"instance", "b5:9947"},
             {"meter", "m1"}}),
      alert({{"alertname", "DlmsBridgeMeterPollSuccessLow"},
             {"severity", "warning"},
             {"instance", "b5:9947"},
             {"meter", "m2"}}),
      // A meter that is down silences its own warnings and infos, not other meters'.
      alert({{"alertname", "DlmsBridgeMeterDown"}, {"severity", "critical"}, {"instance", "b6:9947"}, {"meter", "m3"}}),
      alert({{"alertname", "DlmsBridgeMeterHdlcErrorsHigh"},
             {"severity", "warning"},
             {"instance", "b6:9947"},
             {"meter", "m3"}}),
      alert({{"alertname", "DlmsBridgeMeterReconnectsHigh"},
             {"severity", "info"},
             {"instance", "b6:9947"},
             {"meter", "m3"}}),
      alert({{"alertname", "DlmsBridgeMeterHdlcErrorsHigh"},
             {"severity", "warning"},
             {"instance", "b6:9947"},
             {"meter", "m4"}}),
  }));
  // Alertmanager's inhibitor marks alerts asynchronously after the POST (CI once read every
  // status before it ran): wait until as many alerts are suppressed as this case expects, then
  // check which ones. A broken inhibit rule still fails below, after the wait.
  constexpr std::size_t kExpectedSuppressed = 7;
  std::map<std::string, json> s;
  testing_support::wait_until(
      [&] {
        s = statuses();
        const auto suppressed =
            std::count_if(s.begin(), s.end(), [](const auto& kv) { return kv.second["state"] == "suppressed"; });
        return s.size() == 15u && static_cast<std::size_t>(suppressed) >= kExpectedSuppressed;
      },
      std::chrono::seconds(10));
  ASSERT_EQ(s.size(), 15u) << am_.log();
  auto inhibited = [&](const std::string& key) {
    EXPECT_TRUE(s.count(key)) << key;
    return s[key]["state"] == "suppressed" && !s[key]["inhibitedBy"].empty();
  };
  EXPECT_TRUE(inhibited("DlmsBridgeMeterDown/b1:9947/m1/critical"));
  EXPECT_FALSE(inhibited("DlmsBridgeMeterDown/b2:9947/m1/critical"));
  EXPECT_FALSE(inhibited("DlmsBridgeDown/b1:9947//critical"));

  EXPECT_TRUE(inhibited("DlmsBridgeOutboxGrowing/b3:9947//warning"));
  EXPECT_TRUE(inhibited("DlmsBridgeOutboxDropping/b3:9947//critical"));
  EXPECT_TRUE(inhibited("DlmsBridgeMeterPublishRatioLow/b3:9947/m7/warning"));
  EXPECT_FALSE(inhibited("DlmsBridgeOutboxGrowing/b4:9947//warning"));
  EXPECT_FALSE(inhibited("DlmsBridgeMqttDisconnected/b3:9947//critical"));

  EXPECT_TRUE(inhibited("DlmsBridgeMeterPollSuccessLow/b5:9947/m1/warning"));
  EXPECT_FALSE(inhibited("DlmsBridgeMeterPollSuccessLow/b5:9947/m1/critical"));
  EXPECT_FALSE(inhibited("DlmsBridgeMeterPollSuccessLow/b5:9947/m2/warning"));

  EXPECT_TRUE(inhibited("DlmsBridgeMeterHdlcErrorsHigh/b6:9947/m3/warning"));
  EXPECT_TRUE(inhibited("DlmsBridgeMeterReconnectsHigh/b6:9947/m3/info"));
  EXPECT_FALSE(inhibited("DlmsBridgeMeterHdlcErrorsHigh/b6:9947/m4/warning"));
  EXPECT_FALSE(inhibited("DlmsBridgeMeterDown/b6:9947/m3/critical"));
}

}  // namespace
