#include "alertmanager_process.h"

#include <stdexcept>

namespace alerts_test {

using namespace std::chrono_literals;
using testing_support::source;

Alertmanager::Alertmanager(const std::filesystem::path& dir, const Endpoints& endpoints, const std::string& scale) {
  testing_support::write_file(dir / "secret", "unused\n");
  testing_support::write_file(dir / "aws-credentials",
                              "[dlms-bridge-sms]\naws_access_key_id = test\naws_secret_access_key = test\n");
  auto gen = testing_support::run(
      {"/usr/bin/python3", source("alerts/tools/scaled-copy.py"), "--factor", scale, "-o", (dir / "am").string(),
       "--set", "global.smtp_smarthost=" + endpoints.smtp, "--set", "global.smtp_require_tls=false",
       "--set", "global.smtp_auth_password_file=" + (dir / "secret").string(),
       "--set", "receivers.oncall-sms.sns_configs.0.api_url=" + endpoints.sms + "/",
       "--set", "receivers.deadmans-switch.webhook_configs.0.url=" + endpoints.sms + "/deadmans-switch",
       "--set", "receivers.deadmans-switch.webhook_configs.0.http_config.authorization.credentials_file=" +
                    (dir / "secret").string(),
       source("alerts/alertmanager.yml")});
  if (gen.exit_code != 0) throw std::runtime_error("scaled-copy.py failed: " + gen.err);
  port_ = testing_support::free_port();
  child_ = testing_support::Child(
      {"prometheus-alertmanager", "--config.file=" + (dir / "am" / "alertmanager.yml").string(),
       "--storage.path=" + (dir / "am-data").string(), "--web.listen-address=127.0.0.1:" + std::to_string(port_),
       "--cluster.listen-address="},
      dir / "alertmanager.log",
      // The SNS receiver's AWS SDK: credentials from the file, never the EC2 metadata service.
      {{"AWS_SHARED_CREDENTIALS_FILE", (dir / "aws-credentials").string()},
       {"AWS_CONFIG_FILE", (dir / "aws-config").string()},
       {"AWS_EC2_METADATA_DISABLED", "true"}});
  if (!testing_support::wait_until([&] { return testing_support::http("GET", port_, "/-/ready").status == 200; },
                                   20s)) {
    throw std::runtime_error("alertmanager did not start: " + child_.log());
  }
}

testing_support::HttpResponse Alertmanager::post_alerts(const nlohmann::json& alerts) const {
  return testing_support::http("POST", port_, "/api/v2/alerts", alerts.dump(), {{"Content-Type", "application/json"}});
}

nlohmann::json Alertmanager::alerts() const {
  auto j = nlohmann::json::parse(testing_support::http("GET", port_, "/api/v2/alerts").body, nullptr, false);
  return j.is_discarded() ? nlohmann::json::array() : j;
}

}  // namespace alerts_test
